"""The seed catalogue (CAT-4): agencies, categories and 35 services with their forms.

Loaded by ``manage.py load_catalog`` (idempotent: matched by slug, updated in place).
Fees are state duties in kopecks; processing times are working days. Agencies'
INN/OGRN are fictional bodies completed with valid check digits by the loader.
"""

from gosportal.catalog.data.builders import (
    ACCOUNT_MESSAGE,
    ACCOUNT_PATTERN,
    BIK_MESSAGE,
    BIK_PATTERN,
    NAME_MESSAGE,
    NAME_PATTERN,
    VIN_MESSAGE,
    VIN_PATTERN,
    applicant,
    attach,
    checkbox,
    choice,
    confirmation,
    date,
    document,
    field,
    form,
    number,
    section,
    text,
)

# slug: (short name, full name, region code, INN body (9 digits), OGRN body (12 digits))
AGENCIES = {
    "mvd": (
        "МВД России",
        "Министерство внутренних дел Российской Федерации",
        "00",
        "770607473",
        "103770022322",
    ),
    "gibdd": (
        "Госавтоинспекция МВД России",
        "Госавтоинспекция Министерства внутренних дел Российской Федерации",
        "00",
        "770607481",
        "103770022333",
    ),
    "fns": ("ФНС России", "Федеральная налоговая служба", "00", "770732915", "104770737709"),
    "sfr": (
        "Социальный фонд России",
        "Фонд пенсионного и социального страхования Российской Федерации",
        "00",
        "770601611",
        "102770030425",
    ),
    "rosreestr": (
        "Росреестр",
        "Федеральная служба государственной регистрации, кадастра и картографии",
        "00",
        "770656053",
        "104779633651",
    ),
    "rosrybolovstvo": (
        "Росрыболовство",
        "Федеральное агентство по рыболовству",
        "00",
        "770276339",
        "108774625064",
    ),
    "rsa": ("РСА", "Российский союз автостраховщиков", "00", "770211559", "102773904218"),
    "zags-71": (
        "Комитет ЗАГС Тульской области",
        "Комитет записи актов гражданского состояния Тульской области",
        "71",
        "710600172",
        "107710600127",
    ),
    "minobr-71": (
        "Минобразования Тульской области",
        "Министерство образования Тульской области",
        "71",
        "710617713",
        "112715400053",
    ),
    "minzdrav-71": (
        "Минздрав Тульской области",
        "Министерство здравоохранения Тульской области",
        "71",
        "710617730",
        "112715400064",
    ),
    "minsoc-71": (
        "Минсоцразвития Тульской области",
        "Министерство труда и социальной защиты Тульской области",
        "71",
        "710617745",
        "112715400075",
    ),
    "minprirody-71": (
        "Минприроды Тульской области",
        "Министерство природных ресурсов и экологии Тульской области",
        "71",
        "710617762",
        "112715400086",
    ),
    "tfoms-71": (
        "ТФОМС Тульской области",
        "Территориальный фонд обязательного медицинского страхования Тульской области",
        "71",
        "710600981",
        "102710056712",
    ),
}

# slug: (name, icon, order)
CATEGORIES = {
    "documents": ("Паспорта и документы", "passport", 10),
    "transport": ("Транспорт и вождение", "car", 20),
    "taxes": ("Налоги и финансы", "tax", 30),
    "family": ("Семья и дети", "family", 40),
    "social": ("Пенсии и социальная поддержка", "benefit", 50),
    "property": ("Жильё, недвижимость и регистрация", "house", 60),
    "health": ("Здоровье", "health", 70),
    "education": ("Образование", "school", 80),
    "business": ("Бизнес и предпринимательство", "business", 90),
    "nature": ("Охота и рыболовство", "nature", 100),
}

PHOTO = document(
    "Личная фотография 35×45 мм",
    formats=("jpeg", "png"),
    note="Цветная или чёрно-белая, без головного убора.",
)
PASSPORT = document(
    "Паспорт гражданина Российской Федерации",
    note="Страницы с фотографией и с отметкой о регистрации.",
)
BIRTH_CERT = document("Свидетельство о рождении ребёнка")

_zamena_pasporta = form(
    applicant(passport=False),
    section(
        "passport",
        "Паспорт, который нужно заменить",
        [
            field(
                "passport",
                "current_passport",
                "Серия и номер действующего паспорта",
                prefill="passport_number",
            ),
            choice(
                "reason",
                "Причина замены",
                [
                    ("age20", "Достижение 20 лет"),
                    ("age45", "Достижение 45 лет"),
                    ("name_change", "Изменение фамилии, имени или отчества"),
                    ("damage", "Паспорт испорчен или непригоден"),
                    ("error", "Обнаружена ошибка в записях"),
                ],
                radio=True,
            ),
            text(
                "previous_last_name",
                "Прежняя фамилия",
                pattern=NAME_PATTERN,
                message=NAME_MESSAGE,
                show_if={"field": "reason", "equals": "name_change"},
            ),
            attach(
                "name_change_document",
                "Свидетельство о заключении брака или перемене имени",
                "Документ об изменении ФИО",
                show_if={"field": "reason", "equals": "name_change"},
            ),
            field(
                "textarea",
                "damage_details",
                "Что случилось с паспортом",
                show_if={"field": "reason", "equals": "damage"},
                validation={"max_length": 1000},
            ),
        ],
    ),
    section("photo", "Фотография", [attach("photo", "Личная фотография", PHOTO["title"])]),
    confirmation(),
)

_zagran = form(
    applicant(),
    section(
        "trip",
        "Сведения для паспорта",
        [
            choice(
                "passport_kind",
                "Вид паспорта",
                [
                    ("biometric", "Нового образца, на 10 лет (с электронным носителем)"),
                    ("old", "Старого образца, на 5 лет"),
                ],
                radio=True,
            ),
            choice(
                "had_before",
                "Был ли у вас заграничный паспорт",
                [
                    ("no", "Нет"),
                    ("valid", "Да, действующий"),
                    ("expired", "Да, срок истёк"),
                    ("lost", "Да, утрачен"),
                ],
                radio=True,
            ),
            text(
                "previous_number",
                "Серия и номер прежнего заграничного паспорта",
                pattern=r"^[0-9]{2} ?[0-9]{7}$",
                message="Серия — 2 цифры, номер — 7 цифр.",
                show_if={"field": "had_before", "equals": "valid"},
            ),
            field(
                "textarea",
                "work_history",
                "Работа и учёба за последние 10 лет",
                help="Период, организация, должность и адрес — по строке на место.",
                validation={"max_length": 3000},
            ),
            checkbox(
                "secret_access",
                "У меня есть допуск к сведениям, составляющим государственную тайну",
            ),
            checkbox("military_service", "Подлежу призыву на военную службу"),
        ],
    ),
    section("photo", "Фотография", [attach("photo", "Личная фотография", PHOTO["title"])]),
    confirmation(),
)

_zagran_child = form(
    applicant(),
    section(
        "child",
        "Сведения о ребёнке",
        [
            text("child_last_name", "Фамилия ребёнка", pattern=NAME_PATTERN, message=NAME_MESSAGE),
            text("child_first_name", "Имя ребёнка", pattern=NAME_PATTERN, message=NAME_MESSAGE),
            date(
                "child_birth_date",
                "Дата рождения ребёнка",
                not_before="today-14y",
                not_after="today",
            ),
            text(
                "birth_certificate",
                "Серия и номер свидетельства о рождении",
                pattern=r"^[IVXLCivxlc]{1,4}-[А-ЯЁа-яё]{2} ?[0-9]{6}$",
                message="Например: IV-МЮ 123456.",
            ),
            choice(
                "relation",
                "Кем вы приходитесь ребёнку",
                [
                    ("mother", "Мать"),
                    ("father", "Отец"),
                    ("guardian", "Опекун"),
                ],
                radio=True,
            ),
            attach(
                "guardian_document",
                "Решение об установлении опеки",
                "Документ об опеке",
                show_if={"field": "relation", "equals": "guardian"},
            ),
        ],
    ),
    section(
        "photo",
        "Фотография ребёнка",
        [
            attach("photo", "Фотография ребёнка", PHOTO["title"]),
        ],
    ),
    confirmation(),
)

_nesudimost = form(
    applicant(),
    section(
        "request",
        "Сведения для справки",
        [
            choice(
                "purpose",
                "Для чего нужна справка",
                [
                    ("work", "Для работы"),
                    ("adoption", "Для усыновления или опеки"),
                    ("weapon", "Для получения лицензии на оружие"),
                    ("visa", "Для визы или выезда"),
                    ("other", "Другое"),
                ],
            ),
            text(
                "purpose_other",
                "Укажите, для чего",
                show_if={"field": "purpose", "equals": "other"},
                max_length=200,
            ),
            checkbox("changed_name", "Я менял(а) фамилию, имя или отчество"),
            field(
                "textarea",
                "previous_names",
                "Прежние ФИО и годы их изменения",
                show_if={"field": "changed_name", "equals": True},
                validation={"max_length": 1000},
            ),
            field(
                "textarea",
                "residences",
                "Места жительства за последние 10 лет",
                required=False,
                validation={"max_length": 2000},
            ),
            choice(
                "delivery",
                "Как получить справку",
                [
                    ("electronic", "Электронный документ в личном кабинете"),
                    ("paper", "На бумаге в МВД или МФЦ"),
                ],
                radio=True,
            ),
        ],
    ),
    confirmation(),
)

_registratsiya = form(
    applicant(address=False),
    section(
        "address",
        "Новый адрес",
        [
            field("address", "new_address", "Адрес, по которому вы регистрируетесь"),
            date("arrival_date", "Дата прибытия", not_after="today", not_before="today-3m"),
            choice(
                "basis",
                "Основание для вселения",
                [
                    ("owner", "Я собственник жилья"),
                    ("consent", "С согласия собственника"),
                    ("lease", "Договор социального найма"),
                ],
                radio=True,
            ),
            text(
                "owner_name",
                "ФИО собственника",
                show_if={"field": "basis", "equals": "consent"},
                max_length=300,
            ),
            attach(
                "basis_document",
                "Документ — основание для вселения",
                "Документ — основание для вселения",
            ),
        ],
    ),
    section(
        "previous",
        "Прежняя регистрация",
        [
            checkbox("deregister", "Снять меня с регистрационного учёта по прежнему адресу"),
            field(
                "address",
                "previous_address",
                "Прежний адрес",
                prefill="registration_address",
                show_if={"field": "deregister", "equals": True},
            ),
        ],
    ),
    confirmation(),
)

_prebyvanie = form(
    applicant(),
    section(
        "stay",
        "Место пребывания",
        [
            field("address", "stay_address", "Адрес места пребывания"),
            date(
                "stay_from", "Дата начала пребывания", not_after="today+30d", not_before="today-3m"
            ),
            date("stay_until", "Дата окончания пребывания", not_before="today"),
            attach(
                "basis_document",
                "Документ — основание для пребывания",
                "Документ — основание для вселения",
            ),
        ],
    ),
    confirmation(),
)

_zamena_vu = form(
    applicant(),
    section(
        "licence",
        "Водительское удостоверение",
        [
            text(
                "licence_number",
                "Серия и номер удостоверения",
                pattern=r"^[0-9]{2} ?[0-9]{2} ?[0-9]{6}$",
                message="10 цифр, например 99 12 345678.",
            ),
            date("licence_issued", "Дата выдачи", not_after="today"),
            choice(
                "reason",
                "Причина замены",
                [
                    ("expiry", "Истекает срок действия"),
                    ("lost", "Утрата или хищение"),
                    ("name_change", "Изменение личных данных"),
                    ("damage", "Удостоверение непригодно"),
                ],
                radio=True,
            ),
            attach(
                "medical",
                "Медицинское заключение",
                "Медицинское заключение о допуске к управлению транспортными средствами",
            ),
            attach(
                "name_change_document",
                "Документ об изменении ФИО",
                "Документ об изменении ФИО",
                show_if={"field": "reason", "equals": "name_change"},
            ),
        ],
    ),
    section(
        "office",
        "Где получить",
        [
            choice(
                "office",
                "Подразделение Госавтоинспекции",
                [
                    ("tula-1", "МРЭО № 1, г. Тула, ул. Кутузова, 106"),
                    ("tula-2", "МРЭО № 2, г. Тула, ул. Пролетарская, 2а"),
                    ("novomoskovsk", "РЭО, г. Новомосковск, ул. Мира, 18"),
                ],
            ),
        ],
    ),
    confirmation(),
)

_vehicle_fields = [
    text("vin", "VIN (идентификационный номер)", pattern=VIN_PATTERN, message=VIN_MESSAGE),
    text("make_model", "Марка и модель", max_length=100),
    number("year", "Год выпуска", low=1950, high=2030, integer=True),
]

_registratsiya_ts = form(
    applicant(),
    section(
        "vehicle",
        "Транспортное средство",
        [
            *_vehicle_fields,
            choice(
                "pts_kind",
                "Паспорт транспортного средства",
                [
                    ("electronic", "Электронный (ЭПТС)"),
                    ("paper", "Бумажный"),
                ],
                radio=True,
            ),
            text("pts_number", "Номер ПТС или ЭПТС", max_length=20),
            choice(
                "basis",
                "Основание владения",
                [
                    ("purchase", "Договор купли-продажи"),
                    ("gift", "Договор дарения"),
                    ("inheritance", "Наследство"),
                ],
            ),
            attach(
                "contract",
                "Договор или иной документ о праве собственности",
                "Документ о праве собственности",
            ),
            attach("osago", "Полис ОСАГО", "Полис ОСАГО", required=False),
            checkbox("keep_plates", "Сохранить государственные номера прежнего владельца"),
        ],
    ),
    confirmation(),
)

_shtrafy = form(
    section(
        "search",
        "Где искать штрафы",
        [
            text(
                "sts",
                "Номер свидетельства о регистрации ТС (СТС)",
                pattern=r"^[0-9]{2}[0-9А-ЯЁ]{2} ?[0-9]{6}$",
                message="Например: 99 АА 123456.",
                required=False,
            ),
            text(
                "licence_number",
                "Номер водительского удостоверения",
                pattern=r"^[0-9]{2} ?[0-9]{2} ?[0-9]{6}$",
                message="10 цифр, например 99 12 345678.",
                required=False,
            ),
            checkbox("subscribe", "Сообщать мне о новых штрафах"),
        ],
    ),
)

_proverka_ts = form(
    section(
        "vehicle",
        "Транспортное средство",
        [
            text("vin", "VIN (идентификационный номер)", pattern=VIN_PATTERN, message=VIN_MESSAGE),
            checkbox("history", "Показать историю регистрации"),
            checkbox("accidents", "Показать сведения о ДТП"),
        ],
    ),
)

_osago = form(
    section(
        "policy",
        "Полис ОСАГО",
        [
            choice(
                "search_by",
                "Искать по",
                [
                    ("policy", "Номеру полиса"),
                    ("vin", "VIN автомобиля"),
                ],
                radio=True,
            ),
            text(
                "policy_number",
                "Серия и номер полиса",
                pattern=r"^[А-ЯЁ]{3} ?[0-9]{10}$",
                message="Три буквы и 10 цифр, например ХХХ 0123456789.",
                show_if={"field": "search_by", "equals": "policy"},
            ),
            text(
                "vin",
                "VIN",
                pattern=VIN_PATTERN,
                message=VIN_MESSAGE,
                show_if={"field": "search_by", "equals": "vin"},
            ),
            date("on_date", "Дата, на которую проверить", not_after="today"),
        ],
    ),
)

_vychet = form(
    applicant(inn=True),
    section(
        "deduction",
        "Вычет",
        [
            choice(
                "kind",
                "Вид вычета",
                [
                    ("treatment", "Лечение и лекарства"),
                    ("education", "Обучение"),
                    ("sport", "Физкультурно-оздоровительные услуги"),
                    ("property", "Покупка жилья"),
                ],
            ),
            number("year", "За какой год", low=2021, high=2026, integer=True),
            number("amount", "Сумма расходов, ₽", low=1, high=100000000),
            choice(
                "student",
                "Кто учился",
                [
                    ("self", "Я"),
                    ("child", "Мой ребёнок"),
                    ("sibling", "Брат или сестра"),
                ],
                radio=True,
                show_if={"field": "kind", "equals": "education"},
            ),
            field(
                "address",
                "property_address",
                "Адрес приобретённого жилья",
                show_if={"field": "kind", "equals": "property"},
            ),
            attach("payment_documents", "Документы об оплате", "Документы, подтверждающие расходы"),
        ],
    ),
    section(
        "refund",
        "Куда вернуть налог",
        [
            text("account", "Номер счёта", pattern=ACCOUNT_PATTERN, message=ACCOUNT_MESSAGE),
            text("bik", "БИК банка", pattern=BIK_PATTERN, message=BIK_MESSAGE),
        ],
    ),
    confirmation(),
)

_deklaratsiya = form(
    applicant(inn=True),
    section(
        "income",
        "Доходы",
        [
            number(
                "year", "Год, за который подаётся декларация", low=2021, high=2026, integer=True
            ),
            choice(
                "source",
                "Источник дохода",
                [
                    ("sale", "Продажа имущества"),
                    ("rent", "Сдача жилья в аренду"),
                    ("abroad", "Доход из-за рубежа"),
                    ("gift", "Подарок от не родственника"),
                    ("other", "Другое"),
                ],
            ),
            number("income", "Сумма дохода, ₽", low=0, high=1000000000),
            text(
                "source_other",
                "Опишите источник дохода",
                max_length=300,
                show_if={"field": "source", "equals": "other"},
            ),
            attach("income_documents", "Документы о доходе", "Документы о доходе", required=False),
        ],
    ),
    confirmation(),
)

_inn = form(
    applicant(),
    section(
        "place",
        "Налоговый орган",
        [
            choice(
                "delivery",
                "Как получить свидетельство",
                [
                    ("electronic", "Электронный документ в личном кабинете"),
                    ("paper", "На бумаге в налоговой инспекции"),
                ],
                radio=True,
            ),
        ],
    ),
    confirmation(),
)

_2ndfl = form(
    applicant(passport=False, address=False, inn=True),
    section(
        "period",
        "Период",
        [
            number("year", "Год", low=2021, high=2026, integer=True),
            text(
                "employer_inn",
                "ИНН работодателя (если нужна справка от одного)",
                required=False,
                pattern=r"^([0-9]{10}|[0-9]{12})$",
                message="ИНН — 10 или 12 цифр.",
            ),
        ],
    ),
)

_egrul = form(
    section(
        "subject",
        "О ком нужна выписка",
        [
            choice(
                "register",
                "Реестр",
                [
                    ("egrul", "ЕГРЮЛ — юридическое лицо"),
                    ("egrip", "ЕГРИП — индивидуальный предприниматель"),
                ],
                radio=True,
            ),
            field("inn", "subject_inn", "ИНН организации или предпринимателя"),
            checkbox("signed", "Нужна выписка, подписанная электронной подписью ФНС"),
        ],
    ),
)

_registratsiya_ip = form(
    applicant(inn=True),
    section(
        "business",
        "Деятельность",
        [
            text(
                "okved",
                "Основной вид деятельности (код ОКВЭД)",
                pattern=r"^[0-9]{2}(\.[0-9]{1,2}){0,2}$",
                message="Например: 47.91 или 62.01.",
            ),
            field(
                "textarea",
                "extra_okved",
                "Дополнительные коды ОКВЭД",
                required=False,
                validation={"max_length": 500},
            ),
            choice(
                "tax_regime",
                "Система налогообложения",
                [
                    ("npd", "Налог на профессиональный доход"),
                    ("usn6", "УСН «Доходы», 6%"),
                    ("usn15", "УСН «Доходы минус расходы», 15%"),
                    ("osno", "Общая система"),
                ],
            ),
        ],
    ),
    confirmation(),
)

_registratsiya_ul = form(
    applicant(inn=True),
    section(
        "company",
        "Организация",
        [
            text(
                "full_name",
                "Полное наименование",
                max_length=300,
                help="Например: Общество с ограниченной ответственностью «Ромашка».",
            ),
            field("address", "legal_address", "Юридический адрес"),
            number("charter_capital", "Уставный капитал, ₽", low=10000, high=1000000000),
            text(
                "okved",
                "Основной вид деятельности (код ОКВЭД)",
                pattern=r"^[0-9]{2}(\.[0-9]{1,2}){0,2}$",
                message="Например: 47.91 или 62.01.",
            ),
            attach("charter", "Устав", "Устав организации"),
            attach("decision", "Решение о создании", "Решение о создании организации"),
        ],
    ),
    confirmation(),
)

_egrn = form(
    applicant(passport=False, address=False, birth_date=False),
    section(
        "object",
        "Объект недвижимости",
        [
            text(
                "cadastral_number",
                "Кадастровый номер",
                pattern=r"^[0-9]{2}:[0-9]{2}:[0-9]{6,7}:"
                r"[0-9]+$",
                message="Например: 71:30:050301:1234.",
            ),
            choice(
                "extract_kind",
                "Вид выписки",
                [
                    ("main", "Об основных характеристиках и зарегистрированных правах"),
                    ("transfer", "О переходе прав на объект"),
                ],
                radio=True,
            ),
        ],
    ),
)

_pravo = form(
    applicant(),
    section(
        "object",
        "Объект и основание",
        [
            text(
                "cadastral_number",
                "Кадастровый номер",
                pattern=r"^[0-9]{2}:[0-9]{2}:[0-9]{6,7}:"
                r"[0-9]+$",
                message="Например: 71:30:050301:1234.",
            ),
            choice(
                "basis",
                "Основание",
                [
                    ("purchase", "Договор купли-продажи"),
                    ("gift", "Договор дарения"),
                    ("inheritance", "Свидетельство о праве на наследство"),
                ],
            ),
            attach("contract", "Документ — основание", "Документ — основание регистрации"),
            checkbox("mortgage", "Объект приобретён с использованием ипотеки"),
            text(
                "bank",
                "Банк-залогодержатель",
                max_length=200,
                show_if={"field": "mortgage", "equals": True},
            ),
        ],
    ),
    confirmation(),
)

_brak = form(
    applicant(),
    section(
        "partner",
        "Сведения о будущем супруге",
        [
            text("partner_last_name", "Фамилия", pattern=NAME_PATTERN, message=NAME_MESSAGE),
            text("partner_first_name", "Имя", pattern=NAME_PATTERN, message=NAME_MESSAGE),
            text(
                "partner_middle_name",
                "Отчество",
                required=False,
                pattern=NAME_PATTERN,
                message=NAME_MESSAGE,
            ),
            date(
                "partner_birth_date",
                "Дата рождения",
                not_after="today-18y",
                help="Вступить в брак можно с 18 лет.",
            ),
            field("snils", "partner_snils", "СНИЛС"),
        ],
    ),
    section(
        "ceremony",
        "Регистрация",
        [
            date(
                "wedding_date",
                "Желаемая дата регистрации",
                not_before="today+1m",
                not_after="today+12m",
                help="Не раньше чем через месяц после подачи.",
            ),
            choice(
                "ceremony",
                "Вид регистрации",
                [
                    ("solemn", "Торжественная"),
                    ("ordinary", "Без торжественной церемонии"),
                ],
                radio=True,
            ),
            choice(
                "surname_after",
                "Фамилия после регистрации",
                [
                    ("own", "Оставить свою"),
                    ("partner", "Взять фамилию супруга"),
                    ("double", "Двойная фамилия"),
                ],
            ),
        ],
    ),
    confirmation(),
)

_rozhdenie = form(
    applicant(),
    section(
        "child",
        "Сведения о ребёнке",
        [
            text("child_last_name", "Фамилия", pattern=NAME_PATTERN, message=NAME_MESSAGE),
            text("child_first_name", "Имя", pattern=NAME_PATTERN, message=NAME_MESSAGE),
            text(
                "child_middle_name",
                "Отчество",
                required=False,
                pattern=NAME_PATTERN,
                message=NAME_MESSAGE,
            ),
            date(
                "child_birth_date",
                "Дата рождения",
                not_before="today-1y",
                not_after="today",
                help="Зарегистрировать рождение нужно в течение месяца.",
            ),
            choice("sex", "Пол", [("male", "Мужской"), ("female", "Женский")], radio=True),
            field("address", "birth_place", "Место рождения"),
            attach(
                "medical_certificate",
                "Медицинское свидетельство о рождении",
                "Медицинское свидетельство о рождении",
            ),
        ],
    ),
    section(
        "parents",
        "Родители",
        [
            choice(
                "parents_married",
                "Родители состоят в браке",
                [
                    ("yes", "Да"),
                    ("no", "Нет"),
                ],
                radio=True,
            ),
            text(
                "marriage_record",
                "Номер записи акта о браке",
                max_length=30,
                show_if={"field": "parents_married", "equals": "yes"},
            ),
            checkbox(
                "paternity",
                "Отцовство устанавливается совместным заявлением",
                show_if={"field": "parents_married", "equals": "no"},
            ),
        ],
    ),
    confirmation(),
)

_posobie = form(
    applicant(),
    section(
        "family",
        "Семья",
        [
            number("children", "Сколько детей младше 17 лет", low=1, high=20, integer=True),
            field(
                "textarea",
                "children_details",
                "ФИО и даты рождения детей",
                validation={"max_length": 2000},
            ),
            number("income", "Доход семьи за последние 12 месяцев, ₽", low=0, high=100000000),
            checkbox("pregnancy", "Я беременна (срок 6 недель и больше)"),
            attach(
                "pregnancy_certificate",
                "Справка из женской консультации",
                "Справка о постановке на учёт по беременности",
                show_if={"field": "pregnancy", "equals": True},
            ),
        ],
    ),
    section(
        "bank",
        "Реквизиты для перечисления",
        [
            text(
                "account",
                "Номер счёта карты «Мир»",
                pattern=ACCOUNT_PATTERN,
                message=ACCOUNT_MESSAGE,
            ),
            text("bik", "БИК банка", pattern=BIK_PATTERN, message=BIK_MESSAGE),
        ],
    ),
    confirmation(),
)

_matkapital = form(
    applicant(),
    section(
        "children",
        "Дети",
        [
            number(
                "child_number",
                "Какой по счёту ребёнок дал право на капитал",
                low=1,
                high=20,
                integer=True,
            ),
            text("child_name", "ФИО ребёнка", max_length=300),
            date(
                "child_birth_date",
                "Дата рождения ребёнка",
                not_before="2007-01-01",
                not_after="today",
            ),
        ],
    ),
    confirmation(),
)

_kindergarten_child = [
    text("child_last_name", "Фамилия ребёнка", pattern=NAME_PATTERN, message=NAME_MESSAGE),
    text("child_first_name", "Имя ребёнка", pattern=NAME_PATTERN, message=NAME_MESSAGE),
    field("snils", "child_snils", "СНИЛС ребёнка"),
]

_sad = form(
    applicant(),
    section(
        "child",
        "Ребёнок",
        [
            *_kindergarten_child,
            date("child_birth_date", "Дата рождения", not_before="today-7y", not_after="today"),
            date(
                "desired_date", "Желаемая дата зачисления", not_before="today", not_after="today+7y"
            ),
            choice(
                "kindergarten",
                "Детский сад (первый выбор)",
                [
                    ("tula-12", "МБДОУ № 12, г. Тула"),
                    ("tula-41", "МБДОУ № 41, г. Тула"),
                    ("tula-105", "МБДОУ № 105, г. Тула"),
                    ("nm-3", "МБДОУ № 3, г. Новомосковск"),
                ],
            ),
            choice(
                "group",
                "Режим пребывания",
                [
                    ("full", "Полный день"),
                    ("short", "Кратковременное пребывание"),
                ],
                radio=True,
            ),
            checkbox("benefit", "Есть право на внеочередное или первоочередное зачисление"),
            attach(
                "benefit_document",
                "Документ, подтверждающий льготу",
                "Документ, подтверждающий льготу",
                show_if={"field": "benefit", "equals": True},
            ),
        ],
    ),
    confirmation(),
)

_shkola = form(
    applicant(),
    section(
        "child",
        "Ребёнок",
        [
            *_kindergarten_child,
            date(
                "child_birth_date",
                "Дата рождения",
                not_before="today-9y",
                not_after="today-6y",
                help="В первый класс принимают детей от 6 лет 6 месяцев.",
            ),
            choice(
                "school",
                "Школа",
                [
                    ("tula-1", "МБОУ «Центр образования № 1», г. Тула"),
                    ("tula-9", "МБОУ «Лицей № 9», г. Тула"),
                    ("nm-20", "МБОУ «СОШ № 20», г. Новомосковск"),
                ],
            ),
            choice(
                "priority",
                "Основание приёма",
                [
                    ("territory", "Проживание на закреплённой территории"),
                    ("sibling", "В школе учится брат или сестра"),
                    ("benefit", "Право на первоочередной приём"),
                    ("free", "Свободные места"),
                ],
            ),
            attach(
                "residence_proof",
                "Свидетельство о регистрации по месту жительства",
                "Свидетельство о регистрации ребёнка",
                show_if={"field": "priority", "equals": "territory"},
            ),
        ],
    ),
    confirmation(),
)

_ils = form(
    section(
        "statement",
        "Выписка",
        [
            choice(
                "kind",
                "Вид сведений",
                [
                    ("ils", "Сведения о состоянии индивидуального лицевого счёта"),
                    ("pension", "Сведения о назначенной пенсии и социальных выплатах"),
                ],
                radio=True,
            ),
            choice(
                "format",
                "Формат",
                [("pdf", "PDF с электронной подписью"), ("paper", "На бумаге")],
                radio=True,
            ),
        ],
    ),
)

_pensiya = form(
    applicant(),
    section(
        "pension",
        "Пенсия",
        [
            choice(
                "kind",
                "Вид пенсии",
                [
                    ("old_age", "Страховая пенсия по старости"),
                    ("early", "Досрочная пенсия (льготный стаж)"),
                ],
            ),
            date(
                "from_date", "С какой даты назначить", not_before="today-1m", not_after="today+1m"
            ),
            checkbox("worked_north", "Работал(а) в районах Крайнего Севера"),
            attach(
                "work_record",
                "Трудовая книжка или сведения о трудовой деятельности",
                "Трудовая книжка",
                required=False,
            ),
            choice(
                "delivery",
                "Способ доставки",
                [
                    ("bank", "На счёт в банке"),
                    ("post", "Почтой России"),
                ],
                radio=True,
            ),
            text(
                "account",
                "Номер счёта",
                pattern=ACCOUNT_PATTERN,
                message=ACCOUNT_MESSAGE,
                show_if={"field": "delivery", "equals": "bank"},
            ),
        ],
    ),
    confirmation(),
)

_udostoverenie = form(
    applicant(),
    section(
        "certificate",
        "Удостоверение",
        [
            choice(
                "format",
                "Формат",
                [("electronic", "Электронное"), ("card", "Пластиковая карта")],
                radio=True,
            ),
        ],
    ),
    confirmation(),
)

_subsidiya = form(
    applicant(),
    section(
        "housing",
        "Жильё и расходы",
        [
            field("address", "housing_address", "Адрес жилья", prefill="registration_address"),
            number("area", "Общая площадь, м²", low=1, high=1000),
            number("family_size", "Сколько человек в семье", low=1, high=20, integer=True),
            number("income", "Доход семьи за 6 месяцев, ₽", low=0, high=100000000),
            checkbox("no_debt", "Долгов по оплате жилья и коммунальных услуг нет", required=True),
            attach(
                "payments",
                "Платёжные документы за последний месяц",
                "Платёжные документы за жилищно-коммунальные услуги",
            ),
        ],
    ),
    confirmation(),
)

_vrach = form(
    applicant(passport=False, address=False),
    section(
        "visit",
        "Приём",
        [
            text(
                "oms_policy",
                "Номер полиса ОМС",
                pattern=r"^[0-9]{16}$",
                message="Номер полиса — 16 цифр.",
            ),
            choice(
                "clinic",
                "Поликлиника",
                [
                    ("gp-1", "ГУЗ «Городская поликлиника № 1», г. Тула"),
                    ("gp-3", "ГУЗ «Городская поликлиника № 3», г. Тула"),
                    ("nm", "ГУЗ «Новомосковская городская клиническая больница»"),
                ],
            ),
            choice(
                "specialty",
                "Специалист",
                [
                    ("therapist", "Терапевт"),
                    ("pediatrician", "Педиатр"),
                    ("surgeon", "Хирург"),
                    ("ophthalmologist", "Офтальмолог"),
                    ("dentist", "Стоматолог"),
                ],
            ),
            date("visit_date", "Желаемая дата", not_before="today", not_after="today+14d"),
            field(
                "textarea", "complaint", "Жалобы", required=False, validation={"max_length": 500}
            ),
        ],
    ),
)

_oms = form(
    applicant(),
    section(
        "insurer",
        "Страховая медицинская организация",
        [
            choice(
                "insurer",
                "Страховая компания",
                [
                    ("sogaz", "АО «СОГАЗ-Мед»"),
                    ("kapital", "ООО «Капитал МС»"),
                    ("ingos", "ООО «Ингосстрах-М»"),
                ],
            ),
            choice(
                "reason",
                "Причина",
                [
                    ("first", "Первичное получение"),
                    ("change", "Замена страховой организации"),
                    ("name_change", "Изменение ФИО"),
                ],
                radio=True,
            ),
        ],
    ),
    confirmation(),
)

_ohota = form(
    applicant(),
    section(
        "ticket",
        "Охотничий билет",
        [
            checkbox(
                "knows_rules",
                "Я ознакомился(лась) с требованиями охотничьего минимума",
                required=True,
            ),
            checkbox(
                "no_conviction",
                "У меня нет непогашенной судимости за умышленное преступление",
                required=True,
            ),
        ],
    ),
    section("photo", "Фотография", [attach("photo", "Личная фотография", PHOTO["title"])]),
    confirmation(),
)

_ohota_razreshenie = form(
    applicant(),
    section(
        "permit",
        "Разрешение",
        [
            text(
                "ticket_number",
                "Номер охотничьего билета",
                pattern=r"^[0-9]{2}[0-9]{6,7}$",
                message="Номер билета — 8 или 9 цифр.",
            ),
            choice(
                "resource",
                "Вид охотничьих ресурсов",
                [
                    ("boar", "Кабан"),
                    ("roe", "Косуля"),
                    ("hare", "Заяц-русак"),
                    ("duck", "Утки"),
                ],
            ),
            number("quantity", "Количество особей", low=1, high=10, integer=True),
            choice(
                "area",
                "Охотничье угодье",
                [
                    ("venev", "Венёвское охотхозяйство"),
                    ("aleksin", "Алексинское охотхозяйство"),
                    ("public", "Общедоступные угодья Тульской области"),
                ],
            ),
            date("season_start", "Начало охоты", not_before="today"),
        ],
    ),
    confirmation(),
)

_ryba = form(
    applicant(),
    section(
        "fishing",
        "Рыболовство",
        [
            choice(
                "water",
                "Водный объект",
                [
                    ("oka", "Река Ока"),
                    ("upa", "Река Упа"),
                    ("shatsk", "Шатское водохранилище"),
                ],
            ),
            choice(
                "species",
                "Вид водных биоресурсов",
                [
                    ("sterlet", "Стерлядь"),
                    ("crayfish", "Речной рак"),
                ],
                radio=True,
            ),
            date("date_from", "Начало периода вылова", not_before="today", not_after="today+6m"),
            number("quantity", "Количество, шт.", low=1, high=5, integer=True),
        ],
    ),
    confirmation(),
)

_zhaloba = form(
    applicant(inn=True),
    section(
        "complaint",
        "Жалоба",
        [
            choice(
                "subject",
                "На что жалоба",
                [
                    ("decision", "Решение налогового органа"),
                    ("action", "Действие должностного лица"),
                    ("inaction", "Бездействие должностного лица"),
                ],
            ),
            text(
                "decision_number",
                "Номер решения",
                max_length=50,
                show_if={"field": "subject", "equals": "decision"},
            ),
            date(
                "decision_date",
                "Дата решения",
                not_after="today",
                not_before="today-1y",
                show_if={"field": "subject", "equals": "decision"},
            ),
            field(
                "textarea", "text", "Суть жалобы", validation={"min_length": 20, "max_length": 5000}
            ),
            attach(
                "evidence",
                "Документы в подтверждение",
                "Документы в подтверждение доводов",
                required=False,
            ),
        ],
    ),
    confirmation(),
)


def _s(
    slug,
    title,
    *,
    agency,
    category,
    short,
    description,
    result,
    documents,
    form,
    days,
    fee=0,
    fee_note="",
    level="confirmed",
    kinds=("individual",),
    type="legal",
    availability="available",
    availability_message="",
    region="00",
    popularity=0,
    cancellation="before_work",
    cancellation_note="",
):
    return {
        "slug": slug,
        "title": title,
        "agency": agency,
        "category": category,
        "short_description": short,
        "description": description,
        "result_description": result,
        "required_documents": documents,
        "form_definition": form,
        "processing_days": days,
        "fee_kopecks": fee,
        "fee_note": fee_note,
        "min_level": level,
        "for_individuals": "individual" in kinds,
        "for_entrepreneurs": "entrepreneur" in kinds,
        "for_organizations": "organization" in kinds,
        "service_type": type,
        "availability": availability,
        "availability_message": availability_message,
        "region_code": region,
        "popularity": popularity,
        "cancellation_policy": cancellation,
        "cancellation_note": cancellation_note,
    }


ONLINE_DISCOUNT = "Оплата госпошлины из заявления после подачи."

SERVICES = [
    _s(
        "zamena-pasporta",
        "Замена паспорта гражданина РФ в 20 и 45 лет",
        agency="mvd",
        category="documents",
        popularity=980,
        short="Замена паспорта при достижении 20 или 45 лет, смене ФИО, порче или ошибке.",
        description="Паспорт нужно заменить в течение 90 дней после 20-летия или 45-летия, "
        "а также при изменении фамилии, имени или отчества, если паспорт испорчен или в нём "
        "найдена ошибка. Заявление подаётся онлайн, в назначенный день вы приходите в "
        "подразделение по вопросам миграции с прежним паспортом.",
        result="Новый паспорт гражданина Российской Федерации.",
        documents=[
            PASSPORT,
            PHOTO,
            document(
                "Документ об изменении ФИО",
                mandatory=False,
                note="Если меняли фамилию, имя или отчество.",
            ),
        ],
        form=_zamena_pasporta,
        days=10,
        fee=30000,
        fee_note=ONLINE_DISCOUNT,
    ),
    _s(
        "zagranpasport",
        "Получение заграничного паспорта нового образца",
        agency="mvd",
        category="documents",
        popularity=940,
        short="Заграничный паспорт с электронным носителем на 10 лет для взрослых.",
        description="Заграничный паспорт нового образца действует 10 лет и содержит "
        "электронный носитель с фотографией. Подать заявление можно по месту жительства, "
        "пребывания или фактического нахождения.",
        result="Заграничный паспорт, выдаётся лично после сдачи отпечатков пальцев.",
        documents=[
            PASSPORT,
            PHOTO,
            document("Военный билет", mandatory=False, note="Для мужчин от 18 до 30 лет."),
        ],
        form=_zagran,
        days=20,
        fee=600000,
        fee_note=ONLINE_DISCOUNT,
    ),
    _s(
        "zagranpasport-rebenok",
        "Заграничный паспорт для ребёнка до 14 лет",
        agency="mvd",
        category="documents",
        popularity=520,
        short="Оформление заграничного паспорта ребёнку родителем или опекуном.",
        description="Заявление подаёт родитель или законный представитель. Ребёнок старше "
        "12 лет сдаёт отпечатки пальцев при получении паспорта.",
        result="Заграничный паспорт ребёнка на 10 лет.",
        documents=[BIRTH_CERT, PHOTO, document("Документ об опеке", mandatory=False)],
        form=_zagran_child,
        days=20,
        fee=300000,
        fee_note=ONLINE_DISCOUNT,
    ),
    _s(
        "spravka-o-nesudimosti",
        "Справка о наличии (отсутствии) судимости",
        agency="mvd",
        category="documents",
        popularity=870,
        short="Справка для работы, опеки, лицензии на оружие или выезда за границу.",
        description="Справка подтверждает наличие или отсутствие судимости и факта "
        "уголовного преследования. Её можно получить электронным документом с подписью МВД.",
        result="Справка в электронном виде или на бумаге.",
        documents=[PASSPORT],
        form=_nesudimost,
        days=22,
        level="standard",
    ),
    _s(
        "registratsiya-po-mestu-zhitelstva",
        "Регистрация по месту жительства",
        agency="mvd",
        category="property",
        popularity=760,
        short="Постоянная регистрация (прописка) по новому адресу.",
        description="Зарегистрироваться нужно в течение 90 дней после прибытия на новое "
        "место жительства. Одновременно можно сняться с учёта по прежнему адресу.",
        result="Отметка о регистрации в паспорте.",
        documents=[
            PASSPORT,
            document(
                "Документ — основание для вселения",
                note="Выписка ЕГРН, договор найма или согласие собственника.",
            ),
        ],
        form=_registratsiya,
        days=3,
    ),
    _s(
        "registratsiya-po-mestu-prebyvaniya",
        "Регистрация по месту пребывания",
        agency="mvd",
        category="property",
        popularity=430,
        short="Временная регистрация на срок от 90 дней.",
        description="Временная регистрация оформляется, если вы живёте не по адресу "
        "постоянной регистрации дольше 90 дней.",
        result="Свидетельство о регистрации по месту пребывания.",
        documents=[PASSPORT, document("Документ — основание для вселения")],
        form=_prebyvanie,
        days=3,
    ),
    _s(
        "zamena-voditelskogo-udostovereniya",
        "Замена водительского удостоверения",
        agency="gibdd",
        category="transport",
        popularity=820,
        short="Новое удостоверение по истечении срока, при утрате или смене данных.",
        description="Удостоверение меняют по истечении 10 лет, при утрате, изменении "
        "личных данных или если оно пришло в негодность. Понадобится действующее "
        "медицинское заключение.",
        result="Российское национальное водительское удостоверение.",
        documents=[
            PASSPORT,
            document("Медицинское заключение о допуске к управлению транспортными средствами"),
            document("Документ об изменении ФИО", mandatory=False),
        ],
        form=_zamena_vu,
        days=1,
        fee=200000,
        fee_note=ONLINE_DISCOUNT,
        type="legal",
    ),
    _s(
        "registratsiya-transportnogo-sredstva",
        "Регистрация транспортного средства",
        agency="gibdd",
        category="transport",
        popularity=790,
        short="Постановка автомобиля на учёт после покупки.",
        description="Поставить автомобиль на учёт нужно в течение 10 дней после покупки. "
        "Можно сохранить номера прежнего владельца.",
        result="Свидетельство о регистрации ТС и государственные номера.",
        documents=[
            PASSPORT,
            document("Документ о праве собственности"),
            document("Полис ОСАГО", mandatory=False),
        ],
        form=_registratsiya_ts,
        days=1,
        fee=285000,
        fee_note="2 000 ₽ за номера и 850 ₽ за свидетельство о регистрации.",
        kinds=("individual", "entrepreneur", "organization"),
    ),
    _s(
        "shtrafy-gibdd",
        "Проверка и оплата штрафов ГИБДД",
        agency="gibdd",
        category="transport",
        popularity=990,
        level="standard",
        short="Штрафы по СТС и водительскому удостоверению, оплата со скидкой 50%.",
        description="Показываем неоплаченные штрафы за нарушения ПДД по номеру "
        "свидетельства о регистрации ТС и водительского удостоверения. В течение 20 дней "
        "после вынесения постановления штраф можно оплатить со скидкой 50%.",
        result="Список штрафов с постановлениями и фотографиями нарушений.",
        documents=[],
        form=_shtrafy,
        days=1,
        type="financial",
        kinds=("individual", "entrepreneur", "organization"),
    ),
    _s(
        "proverka-transportnogo-sredstva",
        "Сведения о транспортном средстве по VIN",
        agency="gibdd",
        category="transport",
        popularity=610,
        level="standard",
        short="История регистрации, ДТП и ограничения автомобиля перед покупкой.",
        description="Проверьте автомобиль перед покупкой: период владения, участие в ДТП, "
        "розыск и ограничения на регистрационные действия.",
        result="Отчёт о транспортном средстве.",
        documents=[],
        form=_proverka_ts,
        days=1,
        kinds=("individual", "entrepreneur", "organization"),
    ),
    _s(
        "proverka-polisa-osago",
        "Проверка полиса ОСАГО",
        agency="rsa",
        category="transport",
        popularity=450,
        level="simplified",
        short="Действует ли полис ОСАГО на выбранную дату.",
        description="Проверка полиса по номеру или по VIN автомобиля в базе Российского "
        "союза автостраховщиков.",
        result="Сведения о полисе и страховой компании.",
        documents=[],
        form=_osago,
        days=1,
        type="financial",
        kinds=("individual", "entrepreneur", "organization"),
    ),
    _s(
        "nalogovyj-vychet",
        "Налоговый вычет за лечение, обучение, спорт и жильё",
        agency="fns",
        category="taxes",
        popularity=900,
        short="Возврат НДФЛ по декларации 3-НДФЛ за расходы на лечение, обучение и жильё.",
        description="Вернуть 13% расходов на лечение, обучение, спорт или покупку жилья можно "
        "за последние три года. Декларация 3-НДФЛ формируется из заявления.",
        result="Решение о возврате налога и перечисление денег на счёт.",
        documents=[
            document(
                "Документы, подтверждающие расходы",
                note="Справка об оплате медицинских услуг, договор на обучение, чеки.",
            )
        ],
        form=_vychet,
        days=60,
        type="financial",
    ),
    _s(
        "deklaratsiya-3-ndfl",
        "Декларация о доходах 3-НДФЛ",
        agency="fns",
        category="taxes",
        popularity=580,
        short="Декларирование доходов от продажи имущества, аренды и из-за рубежа.",
        description="Декларацию подают до 30 апреля года, следующего за годом получения "
        "дохода. Налог уплачивается до 15 июля.",
        result="Принятая налоговая декларация.",
        documents=[document("Документы о доходе", mandatory=False)],
        form=_deklaratsiya,
        days=60,
        type="financial",
        cancellation="never",
        cancellation_note="Поданную декларацию отменить нельзя: чтобы изменить сведения, "
        "подайте уточнённую декларацию.",
    ),
    _s(
        "poluchenie-inn",
        "Получение ИНН физического лица",
        agency="fns",
        category="taxes",
        popularity=370,
        level="standard",
        short="Постановка на учёт в налоговом органе и свидетельство ИНН.",
        description="ИНН присваивается один раз. Свидетельство можно получить электронным "
        "документом с подписью налогового органа.",
        result="Свидетельство о постановке на учёт физического лица.",
        documents=[PASSPORT],
        form=_inn,
        days=5,
    ),
    _s(
        "spravka-o-dohodah",
        "Справка о доходах и суммах налога (2-НДФЛ)",
        agency="fns",
        category="taxes",
        popularity=690,
        short="Сведения о доходах от всех работодателей за год.",
        description="Справка содержит доходы и удержанный налог по данным налоговых агентов. "
        "Подходит для банка, визы и социальных выплат.",
        result="Справка с электронной подписью ФНС.",
        documents=[],
        form=_2ndfl,
        days=1,
        type="financial",
    ),
    _s(
        "vypiska-egryul-egrip",
        "Выписка из ЕГРЮЛ или ЕГРИП",
        agency="fns",
        category="business",
        popularity=540,
        level="standard",
        short="Сведения об организации или предпринимателе из государственного реестра.",
        description="Выписка содержит наименование, адрес, руководителя, учредителей и виды "
        "деятельности. Электронная выписка подписана усиленной подписью ФНС.",
        result="Выписка в формате PDF.",
        documents=[],
        form=_egrul,
        days=1,
        kinds=("individual", "entrepreneur", "organization"),
    ),
    _s(
        "registratsiya-ip",
        "Регистрация индивидуального предпринимателя",
        agency="fns",
        category="business",
        popularity=480,
        short="Открытие ИП онлайн без госпошлины.",
        description="При подаче заявления в электронном виде госпошлина 800 ₽ не уплачивается. "
        "Решение принимается в течение трёх рабочих дней.",
        result="Лист записи ЕГРИП.",
        documents=[PASSPORT],
        form=_registratsiya_ip,
        days=3,
        fee_note="Госпошлина не взимается при электронной подаче.",
        cancellation="never",
        cancellation_note="Документы, поданные на государственную регистрацию, не отзываются: "
        "решение будет принято в срок. Передумав, после регистрации можно прекратить "
        "деятельность ИП.",
    ),
    _s(
        "registratsiya-yuridicheskogo-litsa",
        "Регистрация юридического лица (ООО)",
        agency="fns",
        category="business",
        popularity=300,
        short="Создание общества с ограниченной ответственностью.",
        description="Учредитель подаёт заявление по форме Р11001 с уставом и решением о "
        "создании. При электронной подаче госпошлина не взимается.",
        result="Лист записи ЕГРЮЛ и устав с отметкой налогового органа.",
        documents=[
            document("Устав организации", formats=("pdf", "doc", "docx")),
            document("Решение о создании организации", formats=("pdf", "doc", "docx")),
        ],
        form=_registratsiya_ul,
        days=3,
        kinds=("individual", "entrepreneur"),
        cancellation="never",
        cancellation_note="Документы, поданные на государственную регистрацию, не отзываются: "
        "решение будет принято в срок.",
    ),
    _s(
        "zhaloba-na-reshenie-nalogovogo-organa",
        "Жалоба на решение налогового органа",
        agency="fns",
        category="taxes",
        popularity=150,
        short="Досудебное обжалование решений, действий и бездействия налоговой.",
        description="Жалобу подают в течение года (на вступившее в силу решение) через "
        "инспекцию, которая его приняла; её рассматривает вышестоящий налоговый орган.",
        result="Решение по жалобе.",
        documents=[document("Документы в подтверждение доводов", mandatory=False)],
        form=_zhaloba,
        days=15,
        kinds=("individual", "entrepreneur", "organization"),
    ),
    _s(
        "vypiska-egrn",
        "Выписка из ЕГРН об объекте недвижимости",
        agency="rosreestr",
        category="property",
        popularity=720,
        short="Характеристики объекта и зарегистрированные права.",
        description="Выписка из Единого государственного реестра недвижимости подтверждает "
        "право собственности, показывает обременения и кадастровую стоимость.",
        result="Выписка в электронном виде с подписью Росреестра.",
        documents=[],
        form=_egrn,
        days=3,
        fee=39000,
        fee_note="Для физических лиц — 390 ₽ за электронную выписку.",
        kinds=("individual", "entrepreneur", "organization"),
    ),
    _s(
        "registratsiya-prava-sobstvennosti",
        "Государственная регистрация права собственности",
        agency="rosreestr",
        category="property",
        popularity=410,
        short="Регистрация перехода права на квартиру, дом или участок.",
        description="Регистрация права собственности после покупки, дарения или "
        "наследования недвижимости.",
        result="Выписка из ЕГРН о зарегистрированном праве.",
        documents=[PASSPORT, document("Документ — основание регистрации")],
        form=_pravo,
        days=7,
        fee=400000,
        fee_note="4 000 ₽ для физических лиц.",
        availability="unavailable",
        availability_message="Приём заявлений приостановлен до 1 декабря на время обновления "
        "реестра. Заявление можно подать в МФЦ.",
    ),
    _s(
        "registratsiya-braka",
        "Регистрация заключения брака",
        agency="zags-71",
        category="family",
        popularity=650,
        region="71",
        short="Заявление в ЗАГС и выбор даты регистрации.",
        description="Заявление подают оба будущих супруга: второй подтверждает его в своём "
        "личном кабинете. Регистрация проводится не раньше чем через месяц.",
        result="Свидетельство о заключении брака.",
        documents=[PASSPORT],
        form=_brak,
        days=22,
        fee=35000,
        fee_note=ONLINE_DISCOUNT,
        type="social",
    ),
    _s(
        "registratsiya-rozhdeniya",
        "Регистрация рождения ребёнка",
        agency="zags-71",
        category="family",
        popularity=600,
        region="71",
        short="Свидетельство о рождении и запись акта о рождении.",
        description="Рождение регистрируют в течение месяца. После регистрации ребёнку "
        "автоматически присваивается СНИЛС.",
        result="Свидетельство о рождении ребёнка.",
        documents=[PASSPORT, document("Медицинское свидетельство о рождении")],
        form=_rozhdenie,
        days=1,
        type="social",
    ),
    _s(
        "edinoe-posobie",
        "Единое пособие на детей и беременным женщинам",
        agency="sfr",
        category="social",
        popularity=930,
        short="Ежемесячная выплата семьям с доходом ниже прожиточного минимума.",
        description="Пособие назначается на детей до 17 лет и беременным с 6 недель. "
        "Доход семьи на человека не должен превышать прожиточный минимум в регионе.",
        result="Решение о назначении пособия и ежемесячные выплаты на карту «Мир».",
        documents=[document("Справка о постановке на учёт по беременности", mandatory=False)],
        form=_posobie,
        days=10,
        type="social",
        cancellation="while_active",
        cancellation_note="Отказаться от пособия можно в любой момент, в том числе после "
        "назначения: выплаты прекратятся.",
    ),
    _s(
        "materinskij-kapital",
        "Сертификат на материнский капитал",
        agency="sfr",
        category="family",
        popularity=560,
        short="Электронный сертификат при рождении или усыновлении ребёнка.",
        description="Сертификат оформляется проактивно после регистрации рождения; "
        "заявление нужно, если сертификат не пришёл.",
        result="Электронный сертификат на материнский (семейный) капитал.",
        documents=[BIRTH_CERT],
        form=_matkapital,
        days=5,
        type="social",
    ),
    _s(
        "vypiska-iz-lichnogo-scheta",
        "Выписка из индивидуального лицевого счёта в СФР",
        agency="sfr",
        category="social",
        popularity=510,
        level="standard",
        short="Стаж, пенсионные коэффициенты и накопления.",
        description="Сведения о стаже, заработке и пенсионных коэффициентах, учтённых на "
        "вашем индивидуальном лицевом счёте.",
        result="Выписка с электронной подписью СФР.",
        documents=[],
        form=_ils,
        days=1,
        type="social",
    ),
    _s(
        "naznachenie-pensii",
        "Назначение страховой пенсии по старости",
        agency="sfr",
        category="social",
        popularity=470,
        short="Заявление о назначении пенсии за месяц до права на неё.",
        description="Заявление можно подать не раньше чем за месяц до возникновения права "
        "на пенсию. Стаж и заработок берутся из лицевого счёта.",
        result="Решение о назначении пенсии.",
        documents=[document("Трудовая книжка", mandatory=False)],
        form=_pensiya,
        days=10,
        type="social",
    ),
    _s(
        "pensionnoe-udostoverenie",
        "Пенсионное удостоверение",
        agency="sfr",
        category="social",
        popularity=120,
        type="social",
        short="Документ, подтверждающий статус пенсионера.",
        description="Удостоверение подтверждает право на льготы пенсионерам.",
        result="Пенсионное удостоверение.",
        documents=[],
        form=_udostoverenie,
        days=5,
        availability="planned",
    ),
    _s(
        "subsidiya-na-oplatu-zhkh",
        "Субсидия на оплату жилья и коммунальных услуг",
        agency="minsoc-71",
        category="social",
        popularity=390,
        region="71",
        short="Компенсация расходов на ЖКУ, если они больше 22% дохода семьи.",
        description="Субсидию назначают на 6 месяцев, если расходы на жильё и коммунальные "
        "услуги превышают 22% совокупного дохода семьи и нет долгов.",
        result="Решение о предоставлении субсидии.",
        documents=[document("Платёжные документы за жилищно-коммунальные услуги")],
        form=_subsidiya,
        days=10,
        type="social",
        cancellation="while_active",
        cancellation_note="Отказаться от субсидии можно в любой момент, в том числе после "
        "назначения: выплаты прекратятся.",
    ),
    _s(
        "zapis-k-vrachu",
        "Запись на приём к врачу",
        agency="minzdrav-71",
        category="health",
        popularity=970,
        level="standard",
        region="71",
        type="social",
        short="Запись к терапевту, педиатру и узким специалистам в поликлинику.",
        description="Запишитесь на приём в свою поликлинику. Отменить запись можно не "
        "позднее чем за сутки.",
        result="Талон на приём.",
        documents=[],
        form=_vrach,
        days=1,
    ),
    _s(
        "polis-oms",
        "Полис ОМС: получение или замена страховой организации",
        agency="tfoms-71",
        category="health",
        popularity=430,
        region="71",
        type="social",
        short="Выписка о полисе ОМС или выбор другой страховой компании.",
        description="Менять страховую медицинскую организацию можно раз в год до 1 ноября.",
        result="Выписка из реестра застрахованных лиц.",
        documents=[],
        form=_oms,
        days=1,
    ),
    _s(
        "zapis-v-detskij-sad",
        "Запись в детский сад",
        agency="minobr-71",
        category="education",
        popularity=800,
        region="71",
        type="social",
        short="Постановка ребёнка в очередь в детский сад.",
        description="Поставить ребёнка в очередь можно с рождения. Места распределяются "
        "с 1 июня; льготники зачисляются вне очереди.",
        result="Направление в детский сад.",
        documents=[BIRTH_CERT, document("Документ, подтверждающий льготу", mandatory=False)],
        form=_sad,
        days=7,
        cancellation="while_active",
        cancellation_note="Снять ребёнка с очереди можно в любой момент, в том числе после "
        "выдачи направления.",
    ),
    _s(
        "zapis-v-shkolu",
        "Запись в первый класс",
        agency="minobr-71",
        category="education",
        popularity=700,
        region="71",
        type="social",
        short="Заявление о приёме в первый класс школы.",
        description="Приём для детей с закреплённой территории — с 1 апреля по 30 июня, "
        "на свободные места — с 6 июля.",
        result="Приказ о зачислении в школу.",
        documents=[BIRTH_CERT, document("Свидетельство о регистрации ребёнка", mandatory=False)],
        form=_shkola,
        days=3,
    ),
    _s(
        "okhotnichij-bilet",
        "Выдача охотничьего билета",
        agency="minprirody-71",
        category="nature",
        popularity=260,
        region="71",
        short="Охотничий билет единого федерального образца.",
        description="Билет выдаётся бессрочно после проверки знания требований "
        "охотничьего минимума.",
        result="Охотничий билет.",
        documents=[PASSPORT, PHOTO],
        form=_ohota,
        days=5,
    ),
    _s(
        "razreshenie-na-okhotu",
        "Разрешение на добычу охотничьих ресурсов",
        agency="minprirody-71",
        category="nature",
        popularity=210,
        region="71",
        short="Разрешение на охоту на кабана, косулю, зайца и уток.",
        description="Разрешение выдаётся владельцу охотничьего билета на сезон в "
        "выбранных угодьях.",
        result="Разрешение на добычу охотничьих ресурсов.",
        documents=[],
        form=_ohota_razreshenie,
        days=3,
        fee=65000,
        fee_note="Сбор 650 ₽ за разрешение на копытных; на пушных и птиц — без сбора.",
    ),
    _s(
        "razreshenie-na-rybolovstvo",
        "Разрешение на любительское рыболовство",
        agency="rosrybolovstvo",
        category="nature",
        popularity=240,
        short="Разрешение на вылов стерляди и раков в любительских целях.",
        description="Вылов отдельных видов водных биоресурсов требует разрешения, даже для "
        "любительского рыболовства.",
        result="Разрешение на добычу (вылов) водных биоресурсов.",
        documents=[],
        form=_ryba,
        days=3,
        level="standard",
    ),
]
