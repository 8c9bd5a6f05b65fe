// The demo warehouse's rows, drawn from a seeded PRNG: ~300 customers in six regions, 24 sales
// reps, 48 products, 1,500 orders over 2023-2024 with their items and payments. Enterprise
// customers order more and bigger; recent orders are still pending or shipped; cancelled orders
// are never paid and some pending ones not yet.
import type { DemoTable } from './demo-ddl.ts';
import {
  CATALOGUE,
  COMPANY_KINDS,
  COMPANY_SUFFIXES,
  COMPANY_WORDS,
  FIRST_NAMES,
  LAST_NAMES,
  REGIONS,
} from './demo-vocabulary.ts';
import type { Random } from './seeded-random.ts';

export type Row = (string | number | null)[];
export type DemoRows = Record<DemoTable, Row[]>;

type Segment = 'Consumer' | 'Small Business' | 'Enterprise';

interface Customer {
  id: number;
  city: string;
  regionIndex: number;
  segment: Segment;
  repId: number;
  signupDay: number;
}

const REPS_PER_REGION = 4;
const CUSTOMERS = 300;
const ORDERS = 1500;
const FIRST_ORDER_DAY = dayOf('2023-01-01');
const LAST_ORDER_DAY = dayOf('2024-12-31');

export function generateDemoRows(random: Random): DemoRows {
  const regions = REGIONS.map((region, index) => [index + 1, region.name, region.country]);
  const reps = generateReps(random);
  const customers = generateCustomers(random);
  const { categories, products } = catalogueRows(random);
  const rows: DemoRows = {
    regions,
    sales_reps: reps,
    customers: customers.rows,
    categories,
    products,
    orders: [],
    order_items: [],
    payments: [],
  };
  generateOrders(random, customers.list, products, rows);
  return rows;
}

function generateReps(random: Random): Row[] {
  const rows: Row[] = [];
  const used = new Set<string>();
  REGIONS.forEach((_, regionIndex) => {
    const managerId = rows.length + 1;
    for (let slot = 0; slot < REPS_PER_REGION; slot++) {
      const [first, last] = uniquePersonName(random, used);
      const id = rows.length + 1;
      const manager = slot === 0;
      const hired = random.int(dayOf(manager ? '2014-01-01' : '2017-01-01'), dayOf('2022-12-31'));
      const quota = manager ? 1_200_000 : random.int(8, 18) * 50_000;
      const email = `${first.toLowerCase()}.${last.toLowerCase()}@example-sales.com`;
      rows.push([id, first, last, email, regionIndex + 1, manager ? null : managerId, isoDate(hired), quota]);
    }
  });
  return rows;
}

function generateCustomers(random: Random): { rows: Row[]; list: Customer[] } {
  const rows: Row[] = [];
  const list: Customer[] = [];
  const used = new Set<string>();
  for (let id = 1; id <= CUSTOMERS; id++) {
    const regionIndex = random.weighted(
      REGIONS.map((region, index) => [index, region.country === 'United States' ? 3 : 2] as const),
    );
    const region = REGIONS[regionIndex] ?? REGIONS[0];
    const segment = random.weighted<Segment>([
      ['Consumer', 50],
      ['Small Business', 35],
      ['Enterprise', 15],
    ]);
    const name =
      segment === 'Consumer' ? uniquePersonName(random, used).join(' ') : uniqueCompanyName(random, used);
    const domain =
      segment === 'Consumer'
        ? 'mail.example.com'
        : `${name.toLowerCase().replace(/[^a-z]+/g, '')}.example.com`;
    const email =
      segment === 'Consumer' ? `${name.toLowerCase().replace(' ', '.')}@${domain}` : `orders@${domain}`;
    const city = random.pick(region.cities);
    // Each region's reps are ids regionIndex*4+1 .. +4; the manager (first) keeps only big accounts.
    const firstRep = regionIndex * REPS_PER_REGION + 1;
    const repId =
      segment === 'Enterprise' ? random.int(firstRep, firstRep + 3) : random.int(firstRep + 1, firstRep + 3);
    const signupDay = random.int(dayOf('2021-01-01'), dayOf('2024-06-30'));
    rows.push([id, name, email, city, regionIndex + 1, segment, repId, isoDate(signupDay)]);
    list.push({ id, city, regionIndex, segment, repId, signupDay });
  }
  return { rows, list };
}

function catalogueRows(random: Random): { categories: Row[]; products: Row[] } {
  const categories: Row[] = [];
  const products: Row[] = [];
  CATALOGUE.forEach((category, categoryIndex) => {
    categories.push([categoryIndex + 1, category.category, category.description]);
    category.products.forEach(([name, price], position) => {
      const cost = round2(price * (0.55 + random.int(0, 20) / 100));
      const discontinued = random.chance(0.1) ? 1 : 0;
      products.push([
        products.length + 1,
        `${category.code}-${1001 + position}`,
        name,
        categoryIndex + 1,
        price,
        cost,
        discontinued,
      ]);
    });
  });
  return { categories, products };
}

function generateOrders(
  random: Random,
  customers: readonly Customer[],
  products: readonly Row[],
  rows: DemoRows,
): void {
  const weighted = customers.map((customer) => [customer, orderWeight(customer.segment)] as const);
  for (let orderId = 1; orderId <= ORDERS; orderId++) {
    const customer = random.weighted(weighted);
    const day = random.int(Math.max(FIRST_ORDER_DAY, customer.signupDay), LAST_ORDER_DAY);
    const status = orderStatus(random, LAST_ORDER_DAY - day);
    // Web orders (no rep) are mostly consumers'.
    const repId = customer.segment === 'Consumer' && random.chance(0.3) ? null : customer.repId;
    const region = REGIONS[customer.regionIndex] ?? REGIONS[0];
    const shipCity = random.chance(0.9) ? customer.city : random.pick(region.cities);
    rows.orders.push([orderId, customer.id, repId, isoDate(day), status, shipCity]);
    const total = addItems(random, orderId, customer.segment, products, rows.order_items);
    addPayments(random, orderId, day, status, total, customer.segment, rows.payments);
  }
}

function orderWeight(segment: Segment): number {
  return segment === 'Enterprise' ? 4 : segment === 'Small Business' ? 2 : 1;
}

function orderStatus(random: Random, daysAgo: number): string {
  if (daysAgo < 7)
    return random.weighted([
      ['pending', 6],
      ['shipped', 3],
      ['cancelled', 1],
    ]);
  if (daysAgo < 21)
    return random.weighted([
      ['shipped', 6],
      ['delivered', 3],
      ['cancelled', 1],
    ]);
  return random.weighted([
    ['delivered', 88],
    ['cancelled', 7],
    ['returned', 5],
  ]);
}

/** Adds 1-5 distinct products to the order; returns what the customer owes. */
function addItems(
  random: Random,
  orderId: number,
  segment: Segment,
  products: readonly Row[],
  items: Row[],
): number {
  const count = random.weighted([
    [1, 35],
    [2, 30],
    [3, 18],
    [4, 10],
    [5, 7],
  ]);
  const chosen = new Set<Row>();
  while (chosen.size < count) chosen.add(random.pick(products));
  let total = 0;
  for (const product of chosen) {
    const price = Number(product[4]);
    const quantity =
      segment === 'Enterprise'
        ? random.int(2, 25)
        : segment === 'Small Business'
          ? random.int(1, 8)
          : random.int(1, 3);
    const discount = random.weighted(
      segment === 'Consumer'
        ? [
            [0, 85],
            [0.05, 10],
            [0.1, 5],
          ]
        : [
            [0, 50],
            [0.05, 25],
            [0.1, 15],
            [0.15, 10],
          ],
    );
    items.push([items.length + 1, orderId, Number(product[0]), quantity, price, discount]);
    total += quantity * price * (1 - discount);
  }
  return round2(total);
}

function addPayments(
  random: Random,
  orderId: number,
  orderDay: number,
  status: string,
  total: number,
  segment: Segment,
  payments: Row[],
): void {
  if (status === 'cancelled' || (status === 'pending' && random.chance(0.5))) return;
  const method = random.weighted(
    segment === 'Consumer'
      ? [
          ['card', 70],
          ['paypal', 30],
        ]
      : [
          ['card', 25],
          ['bank_transfer', 35],
          ['invoice', 40],
        ],
  );
  const paidDay = orderDay + (method === 'invoice' ? random.int(10, 30) : random.int(0, 2));
  const split = total > 5000 && random.chance(0.3);
  const first = split ? round2(total / 2) : total;
  payments.push([payments.length + 1, orderId, isoDate(Math.min(paidDay, LAST_ORDER_DAY)), first, method]);
  if (split) {
    payments.push([
      payments.length + 1,
      orderId,
      isoDate(Math.min(paidDay + 30, LAST_ORDER_DAY)),
      round2(total - first),
      method,
    ]);
  }
}

function uniquePersonName(random: Random, used: Set<string>): [string, string] {
  for (;;) {
    const name: [string, string] = [random.pick(FIRST_NAMES), random.pick(LAST_NAMES)];
    const key = name.join(' ');
    if (!used.has(key)) {
      used.add(key);
      return name;
    }
  }
}

function uniqueCompanyName(random: Random, used: Set<string>): string {
  for (;;) {
    const name = `${random.pick(COMPANY_WORDS)} ${random.pick(COMPANY_KINDS)} ${random.pick(COMPANY_SUFFIXES)}`;
    if (!used.has(name)) {
      used.add(name);
      return name;
    }
  }
}

function dayOf(iso: string): number {
  return Date.parse(`${iso}T00:00:00Z`) / 86_400_000;
}

function isoDate(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
