export * from './kafka-client';
export * from './durable-producer';
export * from './batch-consumer';
export * from './kafka.module';
export * from './topics.initializer';
export * from './write-batcher';
