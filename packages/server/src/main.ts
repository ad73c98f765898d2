export async function main(_argv: string[]): Promise<number> {
  console.log('smartapi-paper: coming soon');
  return 0;
}
