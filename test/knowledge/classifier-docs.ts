// A tiny training set for the topic classifier: two topics and questions that are no topic.
import { NONE } from "../../src/knowledge/classifier.js";

export const tinyDocs = [
  { label: "madu", stems: ["madu", "bayi"] },
  { label: "madu", stems: ["bayi", "minum", "madu"] },
  { label: "telur", stems: ["telur", "bayi"] },
  { label: "telur", stems: ["bayi", "makan", "telur"] },
  { label: NONE, stems: ["harga", "beras"] },
  { label: NONE, stems: ["tiket", "bus"] },
];
