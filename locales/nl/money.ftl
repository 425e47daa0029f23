## Geld: bedragen, bankgegevens, commissies, boekingen en uitbetalingen.

error-amount-not-a-number = Schrijf het bedrag met een punt en zonder scheidingstekens voor duizendtallen, zoals 129.95.
error-amount-negative = Een bedrag kan niet negatief zijn.
error-amount-too-precise = Deze valuta heeft minder decimalen dan dit bedrag.
error-amount-too-large = Dit bedrag is te groot.
error-iban-format = Een IBAN begint met twee letters en twee cijfers, zoals NL91 ABNA 0417 1643 00.
error-iban-country = Uitbetalingen gaan alleen naar bankrekeningen in SEPA-landen.
error-iban-length = Een IBAN uit dit land heeft een ander aantal tekens.
error-iban-checksum = Dit IBAN is niet geldig: er is een teken verkeerd getypt.
error-conversion-ref-empty = Dit veld is leeg.
error-conversion-ref-too-long = Dit veld heeft meer dan 100 tekens.
error-conversion-ref-control = Dit veld bevat stuurtekens.
error-conversion-ref-invisible = Dit veld bevat een onzichtbaar opmaakteken (zoals een richtingsteken of een spatie zonder breedte).
error-conversion-currency = Onbekende valuta: gebruik een ISO-code van drie letters, zoals EUR.
error-conversion-status = De status is pending, completed, cancelled of returned.
error-conversion-returned-missing = Bij een retour hoort het geretourneerde bedrag (meer dan nul).
error-conversion-returned-without-return = Een geretourneerd bedrag hoort alleen bij de status returned.
error-conversion-returned-too-much = Er is meer geretourneerd dan het orderbedrag.
error-conversion-time = De tijd staat niet in RFC 3339-vorm, zoals 2026-11-29T14:03:00Z.
error-conversion-time-future = De tijd van de bestelling ligt in de toekomst.
error-conversion-coupons-too-many = Dit veld noemt meer dan 20 kortingscodes.
error-conversion-unknown-programme = Er is geen programma met deze naam.
error-conversion-unknown-group = Het programma heeft geen commissiegroep met deze naam.
error-conversion-wrong-currency = Het programma betaalt in een andere valuta.
error-conversion-changed-fact = Een update kan de klik, de commissiegroep of de tijd van een bestelling niet wijzigen.
error-conversion-wrong-currency-named = Dit programma betaalt in { $currency }: meld de bestelling in { $currency }.
error-conversion-locked = De vergrendeldatum is voorbij: de conversie is definitief en deze wijziging is niet doorgevoerd.
error-conversion-locked-since = De vergrendeldatum ({ $date }) is voorbij: de conversie is definitief en deze wijziging is niet doorgevoerd.
error-holder-empty = Vul de naam van de rekeninghouder in, zoals de bank die kent.
error-holder-too-long = De naam van een rekeninghouder heeft ten hoogste 70 tekens.
error-holder-characters = Banken nemen de naam van een rekeninghouder alleen in Latijnse letters aan, en niet { $characters }. Accenten mogen (é gaat als e mee), net als cijfers, spaties en . , ' - / + ? : ( ) &.
error-holder-invisible = De naam bevat een onzichtbaar opmaakteken (zoals een richtingsteken of een spatie zonder breedte), misschien mee geplakt. Typ de naam opnieuw.
error-password-wrong = Dit is niet uw wachtwoord.

## Het tabblad Commissies.
account-nav-commissions = Commissies
commissions-nav-label = Commissies
commissions-nav-overview = Verdiensten
commissions-nav-conversions = Conversies
commissions-nav-ledger = Boekingen en uitbetalingen
commissions-nav-bank = Bankgegevens
commissions-title = Commissies
balance-heading = Saldo en uitbetaling
balance-approved = Goedgekeurd saldo
balance-threshold = Uitbetalingsdrempel
payout-will-be-paid = Uw saldo wordt uitbetaald bij de volgende uitbetalingsronde, op { $date }.
payout-why-withheld = Uw betalingen worden door de accountmanager ingehouden (regel F.11.c) totdat de maatregel is opgeheven.
payout-why-heading = Nog niet uitbetaald, en waarom:
payout-why-no-bank = We hebben nog geen bankgegevens van u.
payout-why-below-threshold = Uw saldo ligt onder de uitbetalingsdrempel van { $threshold }: nog { $missing } te gaan.
payout-why-not-locked = { $pending } aan commissie is nog in behandeling; dat telt mee zodra de datum waarop het definitief wordt voorbij is.
payout-why-held = { $amount } aan commissie op { $orders ->
        [one] één bestelling wordt
       *[other] { $orders } bestellingen wordt
    } ter beoordeling aangehouden als mogelijke eigen aankoop (regel E.10.j): de klik kwam van een adres waarvandaan uw account heeft ingelogd. Een aangehouden commissie wordt niet definitief op haar datum; een accountmanager beslist of ze meetelt, en u kunt bezwaar maken.
payout-why-held-link = Bekijk welke bestellingen, en hoe u bezwaar maakt
payout-next-run = De volgende uitbetalingsronde is op { $date }; daarin wordt het saldo uitbetaald dat tot het einde van de maand daarvoor is goedgekeurd.
payout-why-since-cutoff = { $amount } is goedgekeurd op of na { $cutoff }: de ronde van { $date } betaalt wat daarvoor is goedgekeurd, dus dit wacht op de ronde daarna.
bank-current = Uitbetalingen gaan naar { $iban } ({ $holder }).
bank-change-link = Uw bankgegevens wijzigen
earnings-heading = Verdiensten per maand
earnings-none = Nog geen commissies. Ze verschijnen hier zodra een bestelling via een van uw links is gemeld.
earnings-chart-title = Verdiensten per maand
earnings-chart-desc = Uitbetaalde, goedgekeurde en nog te behandelen commissie per maand, gestapeld; de tabel hieronder geeft de bedragen.
earnings-chart-caption = Uitbetaalde, goedgekeurde en nog te behandelen commissie per maand. De tabel hieronder heeft elk bedrag.
earnings-caption = Commissie per maand van de bestelling en per commissiegroep
earnings-month = Maand
earnings-group = Commissiegroep
earnings-pending = In behandeling
earnings-approved = Goedgekeurd
earnings-rejected = Afgekeurd
earnings-paid = Uitbetaald
earnings-help = Commissies in behandeling worden definitief op hun datum: goedgekeurd als de bestelling is afgerond, anders afgekeurd. Goedgekeurde commissies worden uitbetaald zodra uw saldo de uitbetalingsdrempel bereikt. De kolom afgekeurd toont wat de afgekeurde bestellingen zouden hebben opgeleverd: ze leveren niets op en tonen € 0,00 als commissie.
rates-heading = Commissiepercentages
rates-none = U bent nog geen deelnemer van een programma.
rates-caption = Commissiepercentages van { $programme }
rates-current = Percentage nu
rates-history = Percentages en sinds wanneer
rates-from = { $rate } vanaf { $date }
rates-future = aangekondigd
month-1 = jan.
month-2 = feb.
month-3 = mrt.
month-4 = apr.
month-5 = mei
month-6 = jun.
month-7 = jul.
month-8 = aug.
month-9 = sep.
month-10 = okt.
month-11 = nov.
month-12 = dec.

conversions-title = Conversies
conversions-intro = Elke bestelling die de adverteerder voor uw links heeft gemeld, met de commissie en de status. Tot de datum waarop een commissie definitief wordt, kan de adverteerder haar nog wijzigen; daarna verandert ze nooit meer.
conversions-none = Nog geen conversies.
conversions-caption = Uw conversies, nieuwste eerst
conversions-csv = De conversies downloaden (CSV)
conversion-order = Bestelling
conversion-date = Besteldatum
conversion-group = Commissiegroep
conversion-amount = Orderbedrag
conversion-returned = Geretourneerd
conversion-returned-part = { $amount } geretourneerd
conversion-commission = Commissie
conversion-state = Status
conversion-reason = Reden
conversion-locks-at = Definitief op
commission-state-pending = In behandeling
commission-state-approved = Goedgekeurd
commission-state-rejected = Afgekeurd
commission-state-reversed = Teruggeboekt
commission-state-none = Geen commissie
attribution-credited = Toegekend aan uw kanaal.
attribution-unknown-click = De bestelling noemt geen klik op uw links.
attribution-click-not-credited = De klik is niet meegeteld (zie uw statistieken).
attribution-outside-cookie-period = De bestelling kwam na de sessieperiode van de klik waarvan zij de id meedraagt (de programmapagina noemt hoe lang die is).
attribution-no-rate = Op het moment van de bestelling gold nog geen commissiepercentage.
attribution-self-purchase = Ter beoordeling aangehouden: de klik kwam van een adres waarvandaan uw account heeft ingelogd (regel E.10.j).
reason-coupon-redeemed = Bij deze bestelling is een kortingscode gebruikt: geen commissie.
reason-more-than-one-coupon = Bij deze bestelling is meer dan één kortingscode gebruikt, en het programma staat één kortingscode per transactie toe: geen commissie.
reason-not-in-stock = De adverteerder meldt dat de artikelen van deze bestelling niet op voorraad waren, en commissie geldt alleen voor artikelen op voorraad: geen commissie.
reason-order-cancelled = De bestelling is geannuleerd.
reason-order-returned = De bestelling is geretourneerd.
reason-partial-return = Een deel van de bestelling is geretourneerd.
reason-not-completed-by-locking = De bestelling was niet afgerond op de datum waarop de commissie definitief werd.
reason-self-purchase-review = Ter beoordeling aangehouden als mogelijke eigen aankoop (regel E.10.j).
reason-original-rejected = De commissie op de bestelling is afgekeurd.
reason-amount-changed = De adverteerder heeft het orderbedrag gewijzigd.
reason-objection-upheld = Hersteld nadat uw bezwaar is toegekend (regel G.12).

ledger-title = Boekingen en uitbetalingen
ledger-intro = Elk bedrag dat op uw saldo is geboekt: goedgekeurde commissies, retouren, correcties en uitbetalingen. Geen boeking wordt ooit gewijzigd; een correctie is een nieuwe boeking.
ledger-none = Nog niets geboekt.
ledger-caption = Uw boekingen, oudste eerst, met het saldo na elke boeking
ledger-csv = De boekingen downloaden (CSV)
ledger-date = Datum
ledger-kind = Boeking
ledger-reason = Reden
ledger-amount = Bedrag
ledger-balance = Saldo
entry-kind-commission = Commissie
entry-kind-return = Gedeeltelijke retour
entry-kind-reversal = Terugboeking
entry-kind-deduction = Inhouding
entry-kind-payout = Uitbetaling
entry-payout-period = Uitbetaling { $period }
payouts-heading = Uitbetalingen
payouts-none = Nog geen uitbetalingen.
payouts-caption = Uw uitbetalingen, nieuwste eerst
payouts-csv = De uitbetalingen downloaden (CSV)
payout-date = Datum
payout-amount = Bedrag
payout-iban = Naar rekening

bank-title = Bankgegevens
bank-none = We hebben nog geen bankgegevens van u: zonder die kunnen we u niet uitbetalen.
bank-current-since = Uitbetalingen gaan naar { $iban } ({ $holder }), sinds { $date }.
bank-iban = IBAN
bank-iban-help = Van een bankrekening in een SEPA-land, zoals NL91 ABNA 0417 1643 00.
bank-holder = Rekeninghouder
bank-holder-help = De naam waarop de bankrekening staat.
bank-password = Uw wachtwoord
bank-password-help = Vul uw wachtwoord nogmaals in om te wijzigen waar uw geld naartoe gaat.
bank-save = Bankgegevens opslaan
notice-bank-saved = Uw bankgegevens zijn opgeslagen. We hebben u een e-mail over de wijziging gestuurd.
mail-bank-subject = Uw bankgegevens zijn gewijzigd
mail-bank-intro = De bankgegevens van uw Partnerlink-account zijn gewijzigd: uitbetalingen gaan nu naar { $iban }.
mail-bank-action = Uw bankgegevens bekijken
mail-bank-not-you = Heeft u dit niet zelf gewijzigd? Wijzig dan meteen uw wachtwoord en neem contact op met het publisherteam.
entry-order = Bestelling { $order }
error-import-empty = Het bestand heeft geen regels om in te lezen.
error-import-too-large = Het bestand is groter dan 2 MB: splits het in kleinere bestanden.
error-import-not-text = Het bestand is geen CSV-tekstbestand (UTF-8).
error-import-missing-column = De kopregel mist een kolom; de kolommen zijn: programme, click_id, order_ref, order_amount, currency, commission_group, coupon_redeemed, status, returned_amount, occurred_at, coupon_codes, in_stock (returned_amount, coupon_codes en in_stock mogen ontbreken).
error-import-too-many-lines = Het bestand heeft meer dan 10.000 regels: splits het in kleinere bestanden.
error-import-coupon = Schrijf coupon_redeemed als true of false.
error-import-in-stock = Schrijf in_stock als true of false, of laat het leeg.
error-import-duplicate = Deze bestelling staat meer dan eens in het bestand.

## Accountmanagers: conversies, inlezen, uitbetalingen, het API-geheim.
manage-nav-label = Accountbeheer
manage-nav-review = Beoordelen
manage-nav-conversions = Conversies
manage-nav-import = Conversies inlezen
manage-nav-payouts = Uitbetalingen
manage-conversions-title = Conversies
manage-conversions-participant = Deelnemer
manage-conversions-everyone = Iedereen
manage-conversion-participant = Deelnemer
manage-conversion-nobody = Geen deelnemer (onbekende klik)
manage-commission-reason = Reden (de deelnemer leest deze)
manage-commission-reason-help = Verplicht bij afkeuren of terugboeken; noem de regel als die van toepassing is (bijv. E.10.j).
manage-commission-reject = Commissie afkeuren
manage-commission-reverse = Commissie terugboeken
manage-commission-release = Aanhouding opheffen: geen eigen aankoop
notice-commission-decided = Het besluit is opgeslagen; de deelnemer ziet het met uw reden.
notice-commission-gone = Iemand anders heeft intussen over deze commissie besloten; er is niets gewijzigd.
notice-import-stored = Het bestand is opgeslagen: { $created ->
        [one] 1 nieuwe conversie
       *[other] { $created } nieuwe conversies
    }, { $updated } bijgewerkt, { $unchanged } ongewijzigd.
manage-import-title = Conversies inlezen
manage-import-intro = Een CSV-bestand met een kopregel en de velden van de conversie-API als kolommen: programme, click_id, order_ref, order_amount, currency, commission_group, coupon_redeemed, status, returned_amount, occurred_at, en desgewenst coupon_codes (de codes tussen verticale strepen: SUMMER10|WELKOM5; meer dan één levert niets op) en in_stock (true of false; false levert niets op). Elke regel wordt eerst gecontroleerd; er wordt niets opgeslagen tot u bevestigt, en een bestand met een fout slaat niets op.
manage-import-file = CSV-bestand
manage-import-file-help = Ten hoogste 2 MB en 10.000 regels; komma of puntkomma tussen de cellen.
manage-import-check = Bestand controleren
manage-import-preview = Voorbeeld
manage-import-problems = { $count ->
        [one] 1 regel heeft een fout
       *[other] { $count } regels hebben een fout
    }. Er is niets opgeslagen: verbeter het bestand en controleer het opnieuw.
manage-import-ready = Elke regel klopt: { $created ->
        [one] 1 nieuwe conversie
       *[other] { $created } nieuwe conversies
    }, { $updated ->
        [one] 1 update
       *[other] { $updated } updates
    }, { $unchanged } ongewijzigd.
manage-import-shown-sample = De eerste { $shown } van de { $total } regels van het bestand:
manage-import-shown-problems = De eerste { $shown } van de { $count } regels met een fout:
manage-import-caption = De regels van het bestand
manage-import-line = Regel
manage-import-problem = Controle
manage-import-line-ok = Klopt
manage-import-confirm = Deze conversies opslaan
manage-payouts-title = Uitbetalingen
manage-payouts-intro = Een uitbetalingsronde betaalt elke deelnemer wiens goedgekeurde saldo de uitbetalingsdrempel bereikt en van wie we bankgegevens hebben; ze maakt een SEPA-bankbestand (pain.001) voor de bank. Een maand opnieuw uitvoeren betaalt niemand twee keer.
manage-payouts-period = Maand
manage-payouts-period-help = Als 2026-11.
manage-payouts-run = Uitbetalingen uitvoeren
manage-payouts-runs = Uitbetalingsrondes
manage-payouts-none = Nog geen uitbetalingsrondes.
manage-payouts-caption = Uitbetalingsrondes, nieuwste eerst
manage-payouts-started = Uitgevoerd op
manage-payouts-count = Uitbetalingen
manage-payouts-file = Bankbestand
manage-payouts-download = pain001-{ $period }.xml
manage-payouts-unfinished = niet afgerond: voer haar opnieuw uit
notice-payout-run-done = De uitbetalingsronde is klaar; download het bankbestand hieronder.
error-period-format = Schrijf de maand als 2026-11.
error-period-future = Deze maand is nog niet begonnen.
error-payer-missing = De rekening waarvan wordt uitbetaald is niet ingesteld (PORTAL_PAYER_IBAN): er kan geen uitbetaling plaatsvinden.
manage-secret-heading = Geheim van de conversie-API
manage-secret-intro = De adverteerder ondertekent conversies met dit geheim. Een nieuw geheim wordt één keer getoond; het vorige blijft 24 uur werken.
manage-secret-rotate = Nieuw geheim maken
manage-secret-shown-once = Het nieuwe geheim, alleen nu getoond: geef het aan de ontwikkelaars van de adverteerder. Het vorige werkt nog 24 uur.
manage-secret-label = Nieuw geheim
error-commission-action = Kies een van de handelingen die bij deze commissie horen.
notice-payout-run-nobody = Niemand heeft nu recht op een uitbetaling: er is niets betaald en er is geen bankbestand gemaakt.
manage-payouts-message-id = Berichtkenmerk
manage-secret-current-since = Het huidige geheim is gemaakt op { $when }.
manage-secret-none = Er is nog geen geheim gemaakt: de adverteerder kan pas conversies melden als er een is.
manage-secret-previous-until = Het vorige geheim werkt niet meer vanaf { $when }.
error-release-administrator = Alleen een beheerder kan een vastgehouden commissie vrijgeven.
manage-conversion-entered = Ingevoerd door
manage-conversion-entered-api = de API van de adverteerder (geheim { $secret })
manage-conversion-entered-api-unknown = de API van de adverteerder
manage-conversion-entered-import = import door { $manager }
manage-conversion-entered-import-unknown = een import

## Een aangehouden commissie en een inhouding, in woorden (issue 22, punt 8).
commission-state-held = Ter beoordeling aangehouden
conversion-held = De commissie van { $amount } wordt ter beoordeling aangehouden als mogelijke eigen aankoop (regel E.10.j): de klik kwam van een adres waarvandaan uw account heeft ingelogd. Ze wordt niet definitief op haar datum; een accountmanager beslist of ze meetelt. Was het niet uw eigen aankoop, dan kunt u bezwaar maken.
conversion-locks-after-review = na de beoordeling
entry-deduction = Ingehouden door een accountmanager (regel F.11.d)
entry-deduction-undone = Inhouding teruggegeven: de maatregel is opgeheven
