// Jest resolves packages for require(). A few packages the tests use ship
// only ES modules whose package.json `exports` name an "import" condition
// alone (kubernetes-models and its @kubernetes-models/* parts); for those,
// and only when the usual resolution fails, resolve as an import would.
// Their files are then compiled to CommonJS by the preset's babel-jest
// transform, like @platformatic's.
const ESM_ONLY = /^(kubernetes-models|@kubernetes-models\/[^/]+)(\/|$)/;

module.exports = (request, options) => {
  try {
    return options.defaultResolver(request, options);
  } catch (error) {
    if (!ESM_ONLY.test(request)) throw error;
    return options.defaultResolver(request, { ...options, conditions: ['import', ...(options.conditions ?? [])] });
  }
};
