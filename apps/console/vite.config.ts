import react from '@vitejs/plugin-react';
import { defineConfig, type ProxyOptions } from 'vite';

// In production the API process serves dist/ and answers /trpc on the same origin.
// In development (and `vite preview`) Vite serves the console and forwards every path
// the API owns to the API. tRPC subscriptions are Server-Sent Events on /trpc; the
// proxy streams them through as they arrive.
const apiOrigin = `http://localhost:${process.env.PORT ?? '3000'}`;
const apiPaths = ['/trpc', '/api/', '/auth/', '/health', '/ready', '/metrics'];
const proxy: Record<string, ProxyOptions> = Object.fromEntries(
  apiPaths.map((path) => [path, { target: apiOrigin }]),
);

export default defineConfig({
  plugins: [react()],
  server: {
    port: Number(process.env.CONSOLE_PORT ?? '5173'),
    strictPort: true,
    proxy,
  },
  preview: {
    port: Number(process.env.CONSOLE_PORT ?? '4173'),
    proxy,
  },
});
