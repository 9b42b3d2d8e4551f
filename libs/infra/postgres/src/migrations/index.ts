// Numbered TypeORM migrations of the registry, in order. The file prefix is
// the number; the class name ends with a timestamp-like number TypeORM
// orders by. `npm run migrate` applies the pending ones.
import { RegistrySchema1700000000001 } from './0001-registry-schema';
import { ReferenceData1700000000002 } from './0002-reference-data';
import { Alerts1700000000003 } from './0003-alerts';
import { RegistryVersion1700000000004 } from './0004-registry-version';
import { MinTeacherDenominator1700000000005 } from './0005-min-teacher-denominator';
import { OrganizationFacts1700000000006 } from './0006-organization-facts';
import { OnboardingDates1700000000007 } from './0007-onboarding-dates';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const MIGRATIONS: Function[] = [
  RegistrySchema1700000000001,
  ReferenceData1700000000002,
  Alerts1700000000003,
  RegistryVersion1700000000004,
  MinTeacherDenominator1700000000005,
  OrganizationFacts1700000000006,
  OnboardingDates1700000000007,
];
