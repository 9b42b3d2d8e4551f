// Runs before every test file of every tier: no test may depend on the
// machine's time zone.
process.env.TZ = 'UTC';
