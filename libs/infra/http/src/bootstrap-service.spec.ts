import 'reflect-metadata';
import { type Server } from 'node:http';
import { Controller, Get, Module } from '@nestjs/common';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServiceApp, KEEP_ALIVE_TIMEOUT_MS } from './bootstrap-service';

@Controller()
class PingController {
  @Get('ping')
  ping(): { ok: boolean } {
    return { ok: true };
  }
}

@Module({ controllers: [PingController] })
class PingModule {}

describe('createServiceApp', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createServiceApp(PingModule, { service: 'bootstrap-spec', host: '127.0.0.1', port: 0, logLevel: 'error' });
    await app.listen(0, '127.0.0.1');
  });

  afterAll(async () => {
    await app.close();
  });

  it('keeps idle connections longer than clients do, and says so to them', async () => {
    const server = app.getHttpServer() as Server;
    expect(server.keepAliveTimeout).toBe(KEEP_ALIVE_TIMEOUT_MS);
    // Longer than undici's 4 s and the 60 s of common proxies.
    expect(KEEP_ALIVE_TIMEOUT_MS).toBeGreaterThan(60_000);
    const response = await fetch(`${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/ping`);
    expect(await response.json()).toEqual({ ok: true });
    expect(response.headers.get('keep-alive')).toBe(`timeout=${KEEP_ALIVE_TIMEOUT_MS / 1000}`);
  });
});
