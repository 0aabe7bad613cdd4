// A free loopback port for a test's lab, asked of the kernel: the tests never take the lab's
// default ports, which a learner's lab or another test may hold.
import net from "node:net";

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const {port} = server.address();
      server.close(() => resolve(port));
    });
  });
}
