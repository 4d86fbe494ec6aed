-- The shop's database (H2, embedded, file-based): the orders table the jdbc-source reads.
-- Run by H2 on every connection (INIT=RUNSCRIPT in the pipeline files), so everything here is idempotent.
CREATE TABLE IF NOT EXISTS orders (
    id         BIGINT PRIMARY KEY,
    customer   VARCHAR(100) NOT NULL,
    total      DECIMAL(20, 2) NOT NULL,
    status     VARCHAR(20) NOT NULL,
    updated_at TIMESTAMP(6) NOT NULL
);
-- Inserts the 4 sample orders only where their id is missing: a row changed since (the README's "change an order and
-- run again") is left as it is, so the change travels.
MERGE INTO orders o USING (VALUES
    (1, 'Ada Lovelace', 120.50, 'new', TIMESTAMP '2026-11-25 09:00:00'),
    (2, '김민수', 89.99, 'new', TIMESTAMP '2026-11-25 09:05:00'),
    (3, 'Grace Hopper', 310.00, 'paid', TIMESTAMP '2026-11-25 09:10:00'),
    (4, 'Søren 🚀', 15.25, 'new', TIMESTAMP '2026-11-25 09:15:00')
) AS s (id, customer, total, status, updated_at) ON o.id = s.id
WHEN NOT MATCHED THEN INSERT (id, customer, total, status, updated_at)
    VALUES (s.id, s.customer, s.total, s.status, s.updated_at);
