/**
 * What the compile check (compile.ts) sees instead of vitest's own types, which are large: the
 * check is about the student's code and how the graded tests call it, not about the test runner.
 */
type Loose = any; // eslint-disable-line @typescript-eslint/no-explicit-any

export declare const test: Loose;
export declare const it: Loose;
export declare const describe: Loose;
export declare const expect: Loose;
export declare const vi: Loose;
export declare const beforeAll: Loose;
export declare const afterAll: Loose;
export declare const beforeEach: Loose;
export declare const afterEach: Loose;
export declare const onTestFinished: Loose;
export declare const onTestFailed: Loose;
export declare const assert: Loose;
export type TestContext = Loose;
export type TaskMeta = Loose;
export type Mock<T = Loose> = Loose & T;
