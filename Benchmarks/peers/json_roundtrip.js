// Node reference for the JSON core benchmark: JSON.parse + JSON.stringify of every stdin line.
const fs = require("fs");
const chunk = Buffer.alloc(1 << 20);
let pending = "";
const out = [];
let outBytes = 0;
function flush() {
  fs.writeSync(1, out.join(""));
  out.length = 0;
  outBytes = 0;
}
for (;;) {
  const n = fs.readSync(0, chunk, 0, chunk.length, null);
  if (n === 0) break;
  const lines = (pending + chunk.toString("utf8", 0, n)).split("\n");
  pending = lines.pop();
  for (const line of lines) {
    if (line.trim() === "") continue;
    const text = JSON.stringify(JSON.parse(line)) + "\n";
    out.push(text);
    outBytes += text.length;
    if (outBytes > 1 << 20) flush();
  }
}
if (pending.trim() !== "") out.push(JSON.stringify(JSON.parse(pending)) + "\n");
flush();
