import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spiderHardness } from '../../../eval/spider-sql/hardness.ts';
import { parseSpiderSql } from '../../../eval/spider-sql/parse-sql.ts';
import { loadSpiderSchemas } from '../../../eval/spider-sql/spider-schema.ts';
import { SPIDER_DEV_DIR } from '../support/spider-dev.ts';

const schemas = loadSpiderSchemas(join(SPIDER_DEV_DIR, 'tables.json'));
const schema = (db: string) => schemas.get(db)!;

// Labels are Spider's own: evaluation.py's eval_hardness on the `sql` parse in Spider's dev.json.
describe('Spider hardness of hand-picked dev queries', () => {
  it.each([
    ['concert_singer', 'SELECT count(*) FROM singer', 'easy'],
    ['car_1', 'SELECT count(*) FROM CARS_DATA WHERE horsepower  >  150;', 'easy'],
    ['employee_hire_evaluation', 'SELECT count(DISTINCT LOCATION) FROM shop', 'easy'],
    ['concert_singer', 'SELECT name ,  country ,  age FROM singer ORDER BY age DESC', 'medium'],
    ['concert_singer', 'SELECT count(*) FROM concert WHERE YEAR  =  2014 OR YEAR  =  2015', 'medium'],
    [
      'pets_1',
      'SELECT T1.fname ,  T1.sex FROM student AS T1 JOIN has_pet AS T2 ON T1.stuid  =  T2.stuid GROUP BY T1.stuid HAVING count(*)  >  1',
      'medium',
    ],
    ['concert_singer', 'SELECT song_name FROM singer WHERE age  >  (SELECT avg(age) FROM singer)', 'hard'],
    [
      'pets_1',
      "SELECT stuid FROM student EXCEPT SELECT T1.stuid FROM student AS T1 JOIN has_pet AS T2 ON T1.stuid  =  T2.stuid JOIN pets AS T3 ON T3.petid  =  T2.petid WHERE T3.pettype  =  'cat'",
      'hard',
    ],
    ['car_1', 'SELECT Model FROM CAR_NAMES GROUP BY Model ORDER BY count(*) DESC LIMIT 1;', 'hard'],
    [
      'car_1',
      'SELECT T1.model FROM CAR_NAMES AS T1 JOIN CARS_DATA AS T2 ON T1.MakeId  =  T2.Id WHERE T2.Weight  <  (SELECT avg(Weight) FROM CARS_DATA)',
      'extra',
    ],
    [
      'flight_2',
      'SELECT T1.AirportCode FROM AIRPORTS AS T1 JOIN FLIGHTS AS T2 ON T1.AirportCode  =  T2.DestAirport OR T1.AirportCode  =  T2.SourceAirport GROUP BY T1.AirportCode ORDER BY count(*) DESC LIMIT 1',
      'extra',
    ],
  ])('%s: %s → %s', (db, sql, level) => {
    expect(spiderHardness(sql, schema(db))).toBe(level);
  });
});

describe('Spider’s SQL parser', () => {
  it('produces Spider’s parse: FROM tables, aliases, aggregates and a nested query', () => {
    const parsed = parseSpiderSql(
      'SELECT T1.name FROM singer AS T1 WHERE T1.age > (SELECT avg(age) FROM singer) ORDER BY T1.age DESC LIMIT 3',
      schema('concert_singer'),
    );
    expect(parsed.from).toEqual({ table_units: [['table_unit', '__singer__']], conds: [] });
    expect(parsed.select).toEqual([false, [[0, [0, [0, '__singer.name__', false], null]]]]);
    expect(parsed.orderBy).toEqual(['desc', [[0, [0, '__singer.age__', false], null]]]);
    expect(parsed.limit).toBe(3);
    const [, op, , nested] = parsed.where[0] as readonly unknown[];
    expect(op).toBe(3);
    expect(nested).toMatchObject({ select: [false, [[5, [0, [0, '__singer.age__', false], null]]]] });
  });

  it('reads single- and double-quoted values as string tokens with double quotes', () => {
    const parsed = parseSpiderSql(
      'SELECT name FROM singer WHERE country = \'France\' AND name != "Joe"',
      schema('concert_singer'),
    );
    expect(parsed.where.map((unit) => (typeof unit === 'string' ? unit : [unit[1], unit[3]]))).toEqual([
      [2, '"France"'],
      'and',
      [7, '"Joe"'],
    ]);
  });

  it.each([
    ['a comma join', 'SELECT name FROM singer, concert'],
    ['an unknown column', 'SELECT nope FROM singer'],
    ['an unbalanced quote', "SELECT name FROM singer WHERE name = 'O'Hara'"],
    ['no FROM', 'SELECT 1'],
    ['an empty query', ''],
    ['an alias named like a table', 'SELECT name FROM singer AS concert'],
  ])('rejects %s, as Spider’s parser does', (_, sql) => {
    expect(() => parseSpiderSql(sql, schema('concert_singer'))).toThrow(
      expect.objectContaining({ code: 'SQL_SYNTAX' }),
    );
  });
});
