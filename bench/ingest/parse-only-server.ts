// A reference for bench/ingest: the same HTTP framework receiving and JSON.parse-ing the same bodies, storing
// nothing. What the machine allows over HTTP on loopback before validation, profiles or storage cost anything.
import Fastify from 'fastify';

const app = Fastify({ bodyLimit: 64 * 1024 * 1024 });
app.removeAllContentTypeParsers();
app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
  try {
    done(null, JSON.parse(body as string));
  } catch (error) {
    done(error as Error, undefined);
  }
});
app.post('/api/v1/models/:name/predictions', async (request) => ({
  inserted: (request.body as unknown[]).length,
  duplicates: 0,
}));
const address = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`listening ${address}\n`);
