import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * 0002: reference data. The 89 federal subjects with their capitals' time
 * zones, and the federal KPI bands in force since 2023-03-17. The rows are
 * written out here, not imported, so this migration means the same thing
 * forever; later changes are new migrations (or registry edits).
 */
export class ReferenceData1700000000002 implements MigrationInterface {
  name = 'ReferenceData1700000000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      INSERT INTO region (code, name, time_zone) VALUES
        ('01', 'Республика Адыгея', 'Europe/Moscow'),
        ('02', 'Республика Башкортостан', 'Asia/Yekaterinburg'),
        ('03', 'Республика Бурятия', 'Asia/Irkutsk'),
        ('04', 'Республика Алтай', 'Asia/Barnaul'),
        ('05', 'Республика Дагестан', 'Europe/Moscow'),
        ('06', 'Республика Ингушетия', 'Europe/Moscow'),
        ('07', 'Кабардино-Балкарская Республика', 'Europe/Moscow'),
        ('08', 'Республика Калмыкия', 'Europe/Moscow'),
        ('09', 'Карачаево-Черкесская Республика', 'Europe/Moscow'),
        ('10', 'Республика Карелия', 'Europe/Moscow'),
        ('11', 'Республика Коми', 'Europe/Moscow'),
        ('12', 'Республика Марий Эл', 'Europe/Moscow'),
        ('13', 'Республика Мордовия', 'Europe/Moscow'),
        ('14', 'Республика Саха (Якутия)', 'Asia/Yakutsk'),
        ('15', 'Республика Северная Осетия — Алания', 'Europe/Moscow'),
        ('16', 'Республика Татарстан', 'Europe/Moscow'),
        ('17', 'Республика Тыва', 'Asia/Krasnoyarsk'),
        ('18', 'Удмуртская Республика', 'Europe/Samara'),
        ('19', 'Республика Хакасия', 'Asia/Krasnoyarsk'),
        ('20', 'Чеченская Республика', 'Europe/Moscow'),
        ('21', 'Чувашская Республика', 'Europe/Moscow'),
        ('22', 'Алтайский край', 'Asia/Barnaul'),
        ('23', 'Краснодарский край', 'Europe/Moscow'),
        ('24', 'Красноярский край', 'Asia/Krasnoyarsk'),
        ('25', 'Приморский край', 'Asia/Vladivostok'),
        ('26', 'Ставропольский край', 'Europe/Moscow'),
        ('27', 'Хабаровский край', 'Asia/Vladivostok'),
        ('28', 'Амурская область', 'Asia/Yakutsk'),
        ('29', 'Архангельская область', 'Europe/Moscow'),
        ('30', 'Астраханская область', 'Europe/Astrakhan'),
        ('31', 'Белгородская область', 'Europe/Moscow'),
        ('32', 'Брянская область', 'Europe/Moscow'),
        ('33', 'Владимирская область', 'Europe/Moscow'),
        ('34', 'Волгоградская область', 'Europe/Volgograd'),
        ('35', 'Вологодская область', 'Europe/Moscow'),
        ('36', 'Воронежская область', 'Europe/Moscow'),
        ('37', 'Ивановская область', 'Europe/Moscow'),
        ('38', 'Иркутская область', 'Asia/Irkutsk'),
        ('39', 'Калининградская область', 'Europe/Kaliningrad'),
        ('40', 'Калужская область', 'Europe/Moscow'),
        ('41', 'Камчатский край', 'Asia/Kamchatka'),
        ('42', 'Кемеровская область — Кузбасс', 'Asia/Novokuznetsk'),
        ('43', 'Кировская область', 'Europe/Kirov'),
        ('44', 'Костромская область', 'Europe/Moscow'),
        ('45', 'Курганская область', 'Asia/Yekaterinburg'),
        ('46', 'Курская область', 'Europe/Moscow'),
        ('47', 'Ленинградская область', 'Europe/Moscow'),
        ('48', 'Липецкая область', 'Europe/Moscow'),
        ('49', 'Магаданская область', 'Asia/Magadan'),
        ('50', 'Московская область', 'Europe/Moscow'),
        ('51', 'Мурманская область', 'Europe/Moscow'),
        ('52', 'Нижегородская область', 'Europe/Moscow'),
        ('53', 'Новгородская область', 'Europe/Moscow'),
        ('54', 'Новосибирская область', 'Asia/Novosibirsk'),
        ('55', 'Омская область', 'Asia/Omsk'),
        ('56', 'Оренбургская область', 'Asia/Yekaterinburg'),
        ('57', 'Орловская область', 'Europe/Moscow'),
        ('58', 'Пензенская область', 'Europe/Moscow'),
        ('59', 'Пермский край', 'Asia/Yekaterinburg'),
        ('60', 'Псковская область', 'Europe/Moscow'),
        ('61', 'Ростовская область', 'Europe/Moscow'),
        ('62', 'Рязанская область', 'Europe/Moscow'),
        ('63', 'Самарская область', 'Europe/Samara'),
        ('64', 'Саратовская область', 'Europe/Saratov'),
        ('65', 'Сахалинская область', 'Asia/Sakhalin'),
        ('66', 'Свердловская область', 'Asia/Yekaterinburg'),
        ('67', 'Смоленская область', 'Europe/Moscow'),
        ('68', 'Тамбовская область', 'Europe/Moscow'),
        ('69', 'Тверская область', 'Europe/Moscow'),
        ('70', 'Томская область', 'Asia/Tomsk'),
        ('71', 'Тульская область', 'Europe/Moscow'),
        ('72', 'Тюменская область', 'Asia/Yekaterinburg'),
        ('73', 'Ульяновская область', 'Europe/Ulyanovsk'),
        ('74', 'Челябинская область', 'Asia/Yekaterinburg'),
        ('75', 'Забайкальский край', 'Asia/Chita'),
        ('76', 'Ярославская область', 'Europe/Moscow'),
        ('77', 'Москва', 'Europe/Moscow'),
        ('78', 'Санкт-Петербург', 'Europe/Moscow'),
        ('79', 'Еврейская автономная область', 'Asia/Vladivostok'),
        ('83', 'Ненецкий автономный округ', 'Europe/Moscow'),
        ('86', 'Ханты-Мансийский автономный округ — Югра', 'Asia/Yekaterinburg'),
        ('87', 'Чукотский автономный округ', 'Asia/Anadyr'),
        ('89', 'Ямало-Ненецкий автономный округ', 'Asia/Yekaterinburg'),
        ('90', 'Запорожская область', 'Europe/Moscow'),
        ('91', 'Республика Крым', 'Europe/Simferopol'),
        ('92', 'Севастополь', 'Europe/Simferopol'),
        ('93', 'Донецкая Народная Республика', 'Europe/Moscow'),
        ('94', 'Луганская Народная Республика', 'Europe/Moscow'),
        ('95', 'Херсонская область', 'Europe/Moscow')
      ON CONFLICT (code) DO NOTHING`);
    await q.query(`
      INSERT INTO threshold (kpi, lower_edge, upper_edge, effective_from) VALUES
        ('active_schools', 50, 90, '2023-03-17'),
        ('active_orgs', 50, 90, '2023-03-17'),
        ('teachers_10_messages', 10, 25, '2023-03-17'),
        ('teachers_1_call', 0.5, 1, '2023-03-17')
      ON CONFLICT (kpi, effective_from) DO NOTHING`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM threshold WHERE effective_from = '2023-03-17'`);
    await q.query(`DELETE FROM region WHERE code IN ('01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12', '13', '14', '15', '16', '17', '18', '19', '20', '21', '22', '23', '24', '25', '26', '27', '28', '29', '30', '31', '32', '33', '34', '35', '36', '37', '38', '39', '40', '41', '42', '43', '44', '45', '46', '47', '48', '49', '50', '51', '52', '53', '54', '55', '56', '57', '58', '59', '60', '61', '62', '63', '64', '65', '66', '67', '68', '69', '70', '71', '72', '73', '74', '75', '76', '77', '78', '79', '83', '86', '87', '89', '90', '91', '92', '93', '94', '95')`);
  }
}
