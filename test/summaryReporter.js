"use strict";
/**
 * Mocha's spec reporter, plus, at the end, every skipped test with the reason its suite gives
 * (the reason is part of the skipped suite's or test's title, "(set CLERK_SECRET_KEY … to run)";
 * a skipped test without one is listed as "no reason given"), and one closing line in the plain
 * form CI tools read: `N passed, N failed, N skipped`.
 */
const Mocha = require("mocha");

/**
 * The reason in a title chain: the last parenthesized part that says how to run the test. Read
 * from `titlePath()`, which a test has in the main process and, rebuilt, in a parallel run's
 * reporter (where a test's `parent` holds no title).
 */
function reasonOf(test) {
  // One level of parentheses may nest inside the reason ("a development instance key (sk_test_…)").
  const part = String.raw`(?:[^()]|\([^()]*\))*`;
  const reason = new RegExp(String.raw`\((${part}\bto run\b${part})\)\s*$`);
  for (const title of [...test.titlePath()].reverse()) {
    const match = reason.exec(title || "");
    if (match) return match[1];
  }
  return "no reason given";
}

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const skipped = new Map();
    runner.on(Mocha.Runner.constants.EVENT_TEST_PENDING, (test) => {
      const reason = reasonOf(test);
      skipped.set(reason, (skipped.get(reason) || 0) + 1);
    });
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const { passes, failures, pending } = runner.stats;
      for (const [reason, count] of skipped) {
        process.stdout.write(`\nskipped ${count} ${count === 1 ? "test" : "tests"}: ${reason}`);
      }
      process.stdout.write(`\n${passes} passed, ${failures} failed, ${pending} skipped\n`);
    });
  }
}

module.exports = SummaryReporter;
