-- The reporting database (H2, file-based): one row per order, kept up to date by the jdbc-sink (upsert on order_id).
CREATE TABLE IF NOT EXISTS order_report (
    order_id      BIGINT PRIMARY KEY,
    customer_name VARCHAR(100),
    total         DECIMAL(20, 2),
    status        VARCHAR(20)
);
