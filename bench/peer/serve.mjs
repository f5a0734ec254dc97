// bench/peer/serve.mjs - NocoDB, the peer, started the way its documentation
// embeds it: an Express app with Noco.init, its metadata and data in SQLite
// (noco.db) in the current folder.  node serve.mjs PORT
import express from "express";
import http from "node:http";
import nocodb from "nocodb";

const port = Number(process.argv[2] || 18780);
const app = express();
const server = http.createServer(app);
app.use(await nocodb.Noco.init({}, server, app));
server.listen(port, "127.0.0.1", () => console.log(`nocodb listening on ${port}`));
