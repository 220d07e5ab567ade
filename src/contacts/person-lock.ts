// The person lock: one person's messages, reminders and erasure never run at the same time, across
// instances. A transaction-scoped PostgreSQL advisory lock on a 64-bit hash of the contact id;
// the 32-bit hashtext gave a few colliding pairs per 150,000 people (two people waiting on each
// other), hashtextextended does not in practice.

/** The lock key of the contact id in SQL expression `idSql` (a column or a variable). */
export function personLockKey(idSql: string): string {
  return `hashtextextended(${idSql}::text, 0)`;
}
