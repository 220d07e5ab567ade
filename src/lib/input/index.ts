// One home for reading what people type: words, dates, yes/no, numbers, sex, child codes and the
// command words several domains share. Every chat flow reads input through these, so a form that
// works for a parent works for a kader too. Table tests: test/lib/input/.
export { CHILD_CODE_PATTERN, CODE_ALPHABET, CODE_CHAR, readChildCode } from "./child-code.js";
export { isNewChildCommand, NEW_CHILD_WORDS } from "./commands.js";
export { findDateInSentence, parseLooseDate, parsePregnancyAge, type PregnancyAge } from "./dates.js";
export { decimal, NUMBER_WORDS, readDecimal } from "./numbers.js";
export { readSex, type Sex } from "./sex.js";
export { commandKey, foldLabel, simplify, tidy } from "./text.js";
export { isSkip } from "./skip.js";
export { readYesNo, type YesNo } from "./yes-no.js";
