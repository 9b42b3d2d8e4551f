/** The KPI service's validated configuration, as a Nest provider. */
export const KPI_CONFIG = Symbol('KPI_CONFIG');
