/**
 * Node's permission model flag: `--experimental-permission` on Node 20 and 21, `--permission`
 * from Node 22.13 (where the old name is kept for a while). Whichever this Node accepts.
 */
export function permissionFlag(): string {
  const flags = process.allowedNodeEnvironmentFlags;
  return flags.has("--permission") ? "--permission" : "--experimental-permission";
}
