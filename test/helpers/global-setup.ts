// Integration tests run the production server, so it must be built (once per change).
export default async function setup() {
  // @ts-expect-error plain ESM script without types
  const { ensureBuild } = await import("../../scripts/build.mjs");
  ensureBuild();
}
