// Starts fauxqs, a local SQS emulator, for the local stack and the tests.
//
//   node fauxqs.mjs [--port N] [--data-dir DIR]
//
// The port defaults to $FAUXQS_PORT, else 0 (the system picks a free one); the
// data directory defaults to $FAUXQS_DATA_DIR, else none (in memory). When the
// server listens, one line goes to stdout:
//
//   fauxqs ready port=N
//
// SIGTERM and SIGINT stop the server and exit with status 0.
import { parseArgs } from "node:util";
import { startFauxqs } from "fauxqs";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: process.env.FAUXQS_PORT ?? "0" },
    "data-dir": { type: "string", default: process.env.FAUXQS_DATA_DIR ?? "" },
  },
});

const port = Number.parseInt(values.port, 10);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`fauxqs: invalid port ${JSON.stringify(values.port)}`);
  process.exit(2);
}

// fauxqs listens on all addresses whatever the host; the host only names the
// queue URLs: http://sqs.<region>.127.0.0.1:<port>/000000000000/<name>.
const server = await startFauxqs({
  port,
  host: "127.0.0.1",
  dataDir: values["data-dir"] || undefined,
  logger: false,
});
console.log(`fauxqs ready port=${server.port}`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  try {
    await server.stop();
    process.exit(0);
  } catch (err) {
    console.error(`fauxqs: stop: ${err}`);
    process.exit(1);
  }
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
