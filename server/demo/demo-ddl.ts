// Schema of the demo warehouse: a small B2B/B2C electronics seller. Regions have sales reps
// (reps report to their region's manager), customers belong to a region and a rep, orders have
// items and payments. Dates are ISO text; money is REAL dollars.
export const DEMO_DDL = `
CREATE TABLE regions (
  region_id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  country TEXT NOT NULL
);
CREATE TABLE sales_reps (
  rep_id INTEGER PRIMARY KEY,
  first_name TEXT NOT NULL,
  last_name TEXT NOT NULL,
  email TEXT NOT NULL UNIQUE,
  region_id INTEGER NOT NULL REFERENCES regions (region_id),
  manager_id INTEGER REFERENCES sales_reps (rep_id),
  hire_date DATE NOT NULL,
  annual_quota REAL NOT NULL
);
CREATE TABLE customers (
  customer_id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  email TEXT NOT NULL,
  city TEXT NOT NULL,
  region_id INTEGER NOT NULL REFERENCES regions (region_id),
  segment TEXT NOT NULL CHECK (segment IN ('Consumer', 'Small Business', 'Enterprise')),
  rep_id INTEGER REFERENCES sales_reps (rep_id),
  signup_date DATE NOT NULL
);
CREATE TABLE categories (
  category_id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL
);
CREATE TABLE products (
  product_id INTEGER PRIMARY KEY,
  sku TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  category_id INTEGER NOT NULL REFERENCES categories (category_id),
  unit_price REAL NOT NULL,
  unit_cost REAL NOT NULL,
  discontinued INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE orders (
  order_id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers (customer_id),
  rep_id INTEGER REFERENCES sales_reps (rep_id),
  order_date DATE NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'shipped', 'delivered', 'cancelled', 'returned')),
  ship_city TEXT NOT NULL
);
CREATE TABLE order_items (
  order_item_id INTEGER PRIMARY KEY,
  order_id INTEGER NOT NULL REFERENCES orders (order_id),
  product_id INTEGER NOT NULL REFERENCES products (product_id),
  quantity INTEGER NOT NULL CHECK (quantity > 0),
  unit_price REAL NOT NULL,
  discount REAL NOT NULL DEFAULT 0
);
CREATE TABLE payments (
  payment_id INTEGER PRIMARY KEY,
  order_id INTEGER NOT NULL REFERENCES orders (order_id),
  paid_at DATE NOT NULL,
  amount REAL NOT NULL,
  method TEXT NOT NULL CHECK (method IN ('card', 'bank_transfer', 'paypal', 'invoice'))
);
`;

/** Tables in creation order, parents before children (the order rows are inserted in). */
export const DEMO_TABLES = [
  'regions',
  'sales_reps',
  'customers',
  'categories',
  'products',
  'orders',
  'order_items',
  'payments',
] as const;
export type DemoTable = (typeof DEMO_TABLES)[number];
