/**
 * The hidden-seed secret as instructor tools find it: RL_GRADER_SECRET, else grader/.secret
 * (grader/project.ts holds the lookup).
 */
export { loadSecret as findGraderSecret, MAKE_SECRET } from "../grader/project";
