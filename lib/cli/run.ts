// The `hub` command's entry point: `npm run hub -- …` in a checkout, `hub …` in the container image.
// Log lines go to stderr, so stdout carries only the answer; set before the logger is first loaded.
process.env.HUB_LOG_STDERR = "1";

void import("./main").then(({ main }) => main(process.argv.slice(2))).then((code) => process.exit(code));
