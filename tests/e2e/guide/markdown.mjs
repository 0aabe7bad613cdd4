// The guide's command blocks and the expectation that follows each, read from the Markdown the
// learner reads: the blocks are the test's input, so the guide cannot drift from what is tested.
//
// A ```bash fence opens a command block; the first fenced block after it (blank lines allowed in
// between, nothing else) must be ```expect, or the block has no expectation (an error the runner
// reports). `<!-- guide-test: stop -->` ends the walk there (temporary: see the guide's top).

const FENCE = /^```(\w*)\s*$/;
const STOP = /^<!--\s*guide-test:\s*stop\s*-->\s*$/;  // alone on its line: prose may name it

// -> {blocks: [{line, heading, part, code, expect: {line, text} | null}], stoppedAt: line | null}
export function parseGuide(markdown) {
  const lines = markdown.split("\n");
  const blocks = [];
  let heading = "", part = "", stoppedAt = null;
  let i = 0;
  const readFence = (start) => {  // lines[start] opens a fence; -> {body, next}
    const body = [];
    let j = start + 1;
    while (j < lines.length && !/^```\s*$/.test(lines[j])) body.push(lines[j++]);
    return {body: body.join("\n"), next: j + 1};
  };
  while (i < lines.length) {
    const text = lines[i];
    if (STOP.test(text)) { stoppedAt = i + 1; break; }
    const h = /^(#{2,4})\s+(.*)$/.exec(text);
    if (h) {
      heading = h[2];
      const p = /^Part (\d+)/.exec(heading);
      if (h[1] === "##") part = p ? p[1] : heading;
    }
    const fence = FENCE.exec(text);
    if (!fence) { i++; continue; }
    const {body, next} = readFence(i);
    if (fence[1] === "bash") {
      const block = {line: i + 1, heading, part, code: body, expect: null};
      let j = next;
      while (j < lines.length && lines[j].trim() === "") j++;
      if (j < lines.length && FENCE.exec(lines[j])?.[1] === "expect") {
        const e = readFence(j);
        block.expect = {line: j + 1, text: e.body};
        i = e.next;
      } else {
        i = next;
      }
      blocks.push(block);
    } else {
      i = next;
    }
  }
  return {blocks, stoppedAt};
}
