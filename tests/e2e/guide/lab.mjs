// A fresh lab for the guide's walk, as a learner starts one: `sre-lab up` in a scratch state
// dir on free loopback ports (never the guide's 8000/8080/9090: a learner's lab or another test
// may hold them), with the Prometheus Part 2 queries (`--prometheus`), stopped with SIGTERM so
// `up` shuts its children down itself.
import {spawn} from "node:child_process";
import {openSync, readFileSync} from "node:fs";
import {freePort} from "../../common/free_port.mjs";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function startLab(binary, scratch) {
  const [port, pg, redis, gateway, prometheus] =
    [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
  const log = `${scratch}/up.log`;
  const fd = openSync(log, "w");
  const child = spawn(binary, ["up", "--state-dir", `${scratch}/lab`, "--port", String(port),
    "--pg-port", String(pg), "--redis-port", String(redis), "--gateway-port", String(gateway),
    "--prometheus", "--prometheus-port", String(prometheus)],
    {stdio: ["ignore", fd, fd]});
  let exited = null;
  child.on("exit", (code, signal) => { exited = signal ?? code; });
  const lab = {
    service: `http://127.0.0.1:${port}`, gateway: `http://127.0.0.1:${gateway}`,
    prometheus: `http://127.0.0.1:${prometheus}`, log,
    async stop() {
      if (exited !== null) return;
      child.kill("SIGTERM");
      for (let i = 0; i < 300 && exited === null; i++) await sleep(100);
      if (exited === null) child.kill("SIGKILL");
    },
  };
  // Ready when the service and the gateway in front of it both answer /readyz and `up` has said
  // so: Prometheus starts last, and has scraped the service once when `up` prints its URL.
  for (let i = 0; i < 600; i++) {
    if (exited !== null) throw new Error(`sre-lab up exited (${exited}); see ${log}`);
    const ok = async (url) => { try { return (await fetch(`${url}/readyz`)).ok; } catch { return false; } };
    const said = () => readFileSync(log, "utf8").includes("sre-lab is up");
    if (await ok(lab.service) && await ok(lab.gateway) && said()) return lab;
    await sleep(200);
  }
  await lab.stop();
  throw new Error(`the lab was not ready within 120 s; see ${log}`);
}
