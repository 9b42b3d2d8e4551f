export * from './nest-routes';
export * from './openapi-document';
export * from './observability-operations';
