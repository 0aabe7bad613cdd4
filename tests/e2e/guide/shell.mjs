// Runs one command block as the learner's terminal would, in bash from the repository root, with
// the variables of the blocks before it (a block's assignments are exported and carried to the
// next, so `export B=…` or `S=…` in one block serves the later ones), stderr merged into stdout.
// curl is wrapped to also dump each answer's headers, so the checks can read status codes the
// command itself does not print. A block gets its own process group: a timeout ends all of it,
// background jobs (`&`) included.
import {spawn} from "node:child_process";
import {mkdirSync, readdirSync, readFileSync, writeFileSync, rmSync} from "node:fs";

export class Shell {
  constructor({scratch, cwd, env}) {
    this.scratch = scratch;
    this.cwd = cwd;
    this.envFile = `${scratch}/env.sh`;
    const initial = Object.entries(env).map(([k, v]) => `export ${k}=${shellQuote(v)}`).join("\n");
    writeFileSync(this.envFile, initial + "\n");
    this.count = 0;
  }

  // -> {exitCode, output, statuses, seconds, timedOut}
  run(code, timeoutSeconds, onOutput = () => {}) {
    const n = ++this.count;
    const headers = `${this.scratch}/headers-${n}`;
    mkdirSync(headers, {recursive: true});
    const blockFile = `${this.scratch}/block-${n}.sh`;
    writeFileSync(blockFile, code + "\n");
    const script = [
      "exec 2>&1",
      `source ${shellQuote(this.envFile)}`,
      `curl() { command curl -D "${headers}/$(date +%s%N)-$BASHPID" "$@"; }`,
      "export -f curl",
      `cd ${shellQuote(this.cwd)}`,
      "set -a",  // plain assignments too (S=…): the next block sees them
      `source ${shellQuote(blockFile)}`,
      "__guide_rc=$?",
      "set +a",
      `export -p | grep -v -E '^declare -x (PWD|OLDPWD|SHLVL|_)=' > ${shellQuote(this.envFile + ".next")}`,
      "exit $__guide_rc",
    ].join("\n");
    const started = process.hrtime.bigint();
    return new Promise((resolve) => {
      const child = spawn("bash", ["-c", script], {detached: true, stdio: ["ignore", "pipe", "pipe"]});
      this.current = child;
      let output = "", timedOut = false;
      const take = (chunk) => { output += chunk; onOutput(chunk.toString()); };
      child.stdout.on("data", take);
      child.stderr.on("data", take);
      const timer = setTimeout(() => {
        timedOut = true;
        try { process.kill(-child.pid, "SIGKILL"); } catch { /* already gone */ }
      }, timeoutSeconds * 1000);
      child.on("close", (exitCode) => {
        clearTimeout(timer);
        this.current = null;
        // Background jobs the block left running (a `&` without its `wait`) end with it.
        try { process.kill(-child.pid, "SIGKILL"); } catch { /* none */ }
        try { writeFileSync(this.envFile, readFileSync(this.envFile + ".next")); } catch { /* the block did not finish */ }
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        resolve({exitCode, output: output.toString(), statuses: readStatuses(headers), seconds, timedOut});
        rmSync(headers, {recursive: true, force: true});
      });
    });
  }

  // Ends the block running now, with everything it started (the walk is being stopped).
  stop() {
    if (!this.current) return;
    try { process.kill(-this.current.pid, "SIGKILL"); } catch { /* already gone */ }
  }
}

function readStatuses(dir) {
  return readdirSync(dir).sort().map((f) => {
    const lines = readFileSync(`${dir}/${f}`, "utf8").split("\n").filter((l) => /^HTTP\//.test(l));
    return lines.length ? Number(lines[lines.length - 1].split(/\s+/)[1]) : null;
  }).filter((s) => s !== null);
}

export const shellQuote = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;
