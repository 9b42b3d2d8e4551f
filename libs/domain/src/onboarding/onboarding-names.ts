import { ONBOARDING_STEPS, type OnboardingStep } from '@sferum/contracts';
import { type TableLanguage } from '../kpi/kpi-table';

/** The steps of the funnel as the coordinators' materials word them (domain brief, "Onboarding flow"), and in English. */
const ONBOARDING_STEP_NAMES: Record<TableLanguage, Record<OnboardingStep, string>> = {
  ru: {
    list_collected: 'Собран список организаций без профиля и контакты администраторов',
    passed_to_coordinators: 'Список передан федеральным координаторам, профиль создан',
    admins_informed: 'Администраторы проинформированы о регистрации',
    admin_registered: 'Администратор зарегистрировался',
    structure_built: 'Создана структура организации и ссылки-приглашения',
    staff_registered: 'Сотрудники зарегистрировались',
    staff_active: 'Сотрудники пользуются мессенджером или веб-версией',
    chats_created: 'Созданы чаты коллектива и классов',
  },
  en: {
    list_collected: "List collected, administrators' contacts gathered",
    passed_to_coordinators: 'Passed to the federal coordinators, profile created',
    admins_informed: 'Administrators informed',
    admin_registered: 'Administrator registered',
    structure_built: 'Structure and invitation links created',
    staff_registered: 'Staff registered',
    staff_active: 'Staff use the messenger or the web version',
    chats_created: 'Chats of the staff and the classes created',
  },
};

export function onboardingStepName(step: OnboardingStep, language: TableLanguage): string {
  return ONBOARDING_STEP_NAMES[language][step];
}

/** The steps, numbered, with their names in a language. */
export function onboardingSteps(language: TableLanguage): { readonly step: number; readonly id: OnboardingStep; readonly name: string }[] {
  return ONBOARDING_STEPS.map((id, i) => ({ step: i + 1, id, name: onboardingStepName(id, language) }));
}
