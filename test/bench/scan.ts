/** Scan bench: placeholder until the alert pipeline lands (see run.ts). */
export async function benchScan(): Promise<void> {
  console.log('\n## Overdue scan\n(not measured yet)');
}
