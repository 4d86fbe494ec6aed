-- The shop's database (H2, embedded, file-based): the orders table the jdbc-source reads.
-- Run by H2 on every connection (INIT=RUNSCRIPT in busbar.properties), so everything here is idempotent.
CREATE TABLE IF NOT EXISTS orders (
    id         BIGINT PRIMARY KEY,
    customer   VARCHAR(100) NOT NULL,
    total      DECIMAL(20, 2) NOT NULL,
    status     VARCHAR(20) NOT NULL,
    updated_at TIMESTAMP(6) NOT NULL
);
MERGE INTO orders (id, customer, total, status, updated_at) KEY (id) VALUES
    (1, 'Ada Lovelace', 120.50, 'new', TIMESTAMP '2026-11-25 09:00:00'),
    (2, '김민수', 89.99, 'new', TIMESTAMP '2026-11-25 09:05:00'),
    (3, 'Grace Hopper', 310.00, 'paid', TIMESTAMP '2026-11-25 09:10:00'),
    (4, 'Søren 🚀', 15.25, 'new', TIMESTAMP '2026-11-25 09:15:00');
