## Maatregelen (F.11) en bezwaren (G.12): de kant van de deelnemer

measure-warning = Schriftelijke waarschuwing
measure-cure-period = Herstelperiode
measure-withhold = Ingehouden betalingen
measure-deduct = Inhouding
measure-terminate = Account beëindigd
measure-restrict = Beperkte samenwerking
measure-ban = Uitgesloten van registratie
measure-effect-warning = Dit is een schriftelijke waarschuwing (regel F.11.a). Verder verandert er niets, maar een volgende overtreding kan tot andere maatregelen leiden.
measure-effect-cure-period = U hebt tot { $date } om de overtreding te herstellen (regel F.11.b). Laat ons hieronder weten wanneer het hersteld is.
measure-effect-withhold = Uw betalingen worden ingehouden totdat de maatregel is opgeheven (regel F.11.c). Uw commissies worden gewoon geregistreerd.
measure-effect-deduct = { $amount } wordt ingehouden op uw saldo (regel F.11.d).
measure-effect-terminate = Uw account is beëindigd (regel F.11.e): u kunt niet meer inloggen en kliks op uw links leveren geen commissie meer op.
measure-effect-restrict-applications = U kunt zich niet voor programma's aanmelden totdat de maatregel is opgeheven (regel F.11.f).
measure-effect-restrict-membership = Een van uw deelnames aan een programma is beëindigd (regel F.11.f).
measure-effect-ban = Uw e-mailadres en/of websitedomein kan niet meer worden gebruikt om te registreren (regel F.11.g).

mail-measure-subject = Maatregel op uw account: { $measure }
mail-measure-intro = Een accountmanager heeft een maatregel op uw account genomen: { $measure }.
mail-measure-reason = Reden: { $reason }
mail-measure-objection = U kunt tot en met { $date } schriftelijk bezwaar maken, met bewijs (regel G.12).
mail-measure-action = Lees het bericht
mail-lifted-subject = Maatregel opgeheven: { $measure }
mail-lifted-intro = De maatregel ‘{ $measure }’ van { $date } is opgeheven.
mail-objection-subject = Beslissing op uw bezwaar: { $measure }
mail-objection-upheld = Uw bezwaar tegen de maatregel ‘{ $measure }’ van { $date } is gegrond verklaard: de maatregel is opgeheven en de gevolgen zijn ongedaan gemaakt.
mail-objection-rejected = Uw bezwaar tegen de maatregel ‘{ $measure }’ van { $date } is afgewezen; de maatregel blijft van kracht.

account-nav-notices = Berichten
notices-title = Berichten
notices-intro = Maatregelen die een accountmanager op uw account heeft genomen, met de regels waarop ze zijn gebaseerd. Tegen elke maatregel kunt u binnen 5 werkdagen bezwaar maken.
notices-none = Er zijn geen berichten voor uw account.
notices-caption = Maatregelen op uw account, nieuwste eerst
notices-back = Alle berichten
notice-date = Datum
notice-measure = Maatregel
notice-clauses = Regels
notice-state = Status
notice-unread = nieuw
notice-lifted = opgeheven
notice-in-force = van kracht
notice-closed = afgesloten
notice-effect = Wat het betekent
notice-reason = Reden
notice-rules-version = Versie van de regels
notice-lifted-on = Opgeheven op
notice-clauses-heading = De regels waarop deze maatregel is gebaseerd
notice-clause-link = Regel { $clause } in de advertentieregels
cure-heading = Hebt u het hersteld?
cure-answered-on = U hebt op { $date } geantwoord; de accountmanager bekijkt het. Tot die tijd kunt u uw antwoord wijzigen.
cure-text = Wat hebt u veranderd?
cure-text-help = Leg uit hoe de overtreding is hersteld, eventueel met adressen van pagina's. Hooguit 5000 tekens.
cure-submit = Laat de accountmanager weten dat het hersteld is
cure-decision-accepted = De accountmanager heeft uw herstel geaccepteerd: de herstelperiode is afgesloten.
cure-decision-escalated = De overtreding is niet op tijd hersteld; de accountmanager heeft een verdere maatregel genomen.
objection-heading = Bezwaar
objection-filed-on = U hebt op { $date } bezwaar gemaakt:
objection-upheld = Uw bezwaar is gegrond verklaard: de handeling is ongedaan gemaakt.
objection-rejected = Uw bezwaar is afgewezen.
objection-pending = De accountmanager beslist uiterlijk op { $date }.
objection-until = U kunt tot en met { $date } schriftelijk bezwaar maken (5 werkdagen, regel G.12). Voeg bewijs toe dat uw bezwaar ondersteunt.
objection-text = Uw bezwaar
objection-text-help = Leg uit waarom de handeling onjuist is. Hooguit 5000 tekens.
objection-evidence = Bewijs
objection-evidence-help = Hooguit 5 bestanden, pdf, png of jpeg, elk hooguit 10 MB.
objection-submit = Bezwaar versturen
objection-period-over = De termijn om bezwaar te maken is op { $date } verlopen.
error-objection-text-required = Schrijf uw bezwaar.
error-objection-text-too-long = Gebruik hooguit 5000 tekens.
error-evidence-required = Voeg ten minste één bestand als bewijs toe.
error-evidence-too-many = Voeg hooguit 5 bestanden toe.
error-evidence-empty = { $file } is leeg.
error-evidence-too-large = { $file } is groter dan 10 MB.
error-evidence-type = { $file } is geen pdf-, png- of jpeg-bestand.
error-evidence-choose-again = Kies uw bestanden opnieuw: voor uw veiligheid bewaren browsers ze niet.
error-evidence-pdf = { $file } is geen pdf die te openen is: het leest niet als een pdf met ten minste één pagina.
error-evidence-image = { $file } is geen png- of jpeg-afbeelding die te openen is (hooguit 8000 pixels per zijde).
evidence-sent-as = verstuurd als ‘{ $name }’
error-claim-period-over = De termijn om bezwaar te maken is verlopen; bezwaar maken is niet meer mogelijk.
error-objection-filed = Tegen deze handeling is al bezwaar gemaakt.
error-cure-closed = Deze herstelperiode is afgesloten; antwoorden is niet meer mogelijk.
notice-objection-filed = Uw bezwaar is verstuurd. De accountmanager beslist binnen 15 werkdagen.
notice-cure-answered = Uw antwoord is naar de accountmanager verstuurd.
notice-rules-accepted = Dank u: u hebt de huidige advertentieregels geaccepteerd.

rules-accept-title = Advertentieregels
rules-accept-intro = Versie { $number } van de advertentieregels geldt vanaf { $date }. Lees en accepteer deze om het programma te blijven gebruiken.
rules-changes-heading = Wat er veranderd is sinds de versie die u accepteerde
rules-read-all = Lees de volledige advertentieregels
rules-accept-button = Ik accepteer deze regels
rules-accepted-all = U hebt de huidige versie van de advertentieregels geaccepteerd.
rules-accepted-heading = Versies die u accepteerde
rules-accepted-line = Versie { $number }, geaccepteerd op { $date }
dashboard-rules-pending = Er geldt een nieuwe versie van de advertentieregels. Lees en accepteer deze.
dashboard-notices-unread = Ongelezen berichten: { $count }.

login-terminated-title = Uw account is beëindigd
login-terminated-text = Uw account is op { $date } beëindigd op grond van regel F.11.e van de advertentieregels; u kunt niet meer inloggen.
login-terminated-reason = Reden: { $reason }
login-terminated-objection = U kunt tot en met { $date } bezwaar maken via de link in de e-mail die wij u stuurden.
notice-account-terminated = Uw account is beëindigd; u bent uitgelogd.

## Een maatregel in woorden waar die gevolgen heeft (participants::explain): bij een beëindigde
## deelname, een inhouding in het grootboek, ingehouden betalingen.
measure-words-heading = { $measure } (regel { $clause }) van { $date }
measure-words-clauses-lead = { $count ->
        [one] Aangehaalde regel:
       *[other] Aangehaalde regels:
    }
measure-words-reason = Reden: { $reason }
login-terminated-money = Uw goedgekeurde saldo wordt nog steeds uitbetaald bij de uitbetalingsrondes zodra het de uitbetalingsdrempel bereikt en wij uw bankgegevens hebben, tenzij uw betalingen worden ingehouden. Commissies die nog in behandeling zijn, worden niet goedgekeurd zolang de beëindiging geldt; ze worden afgehandeld als een bezwaar de beëindiging opheft.

# Bezwaar tegen elke handhavingsmaatregel (G.12, issue 22 punt 4)
account-objections-title = Bezwaren
account-objections-intro = U kunt binnen 5 werkdagen schriftelijk en met bewijs bezwaar maken tegen elke handhavingsmaatregel tegen uw account (regel G.12): een maatregel, een commissie die is afgewezen, teruggedraaid of vastgehouden, een afgewezen kanaal of lidmaatschap, en een registratieverbod. Een accountmanager beslist binnen 15 werkdagen.
account-objections-none = Er zijn geen handelingen tegen uw account waartegen u bezwaar kunt maken.
account-objections-caption = Handelingen tegen uw account en uw bezwaren
account-objections-action = Handeling
account-objections-link = Bezwaar maken tegen een afgewezen commissie, kanaal of verbod
objections-may-object-until = U kunt bezwaar maken tot en met { $date }.
objections-not-in-force = Niet meer van kracht.
objections-back = Terug naar uw bezwaren
objection-object = Bezwaar maken
objection-object-until = Bezwaar maken (tot en met { $date })
objection-action-date = Genomen op
objection-action-state = Status
objection-action-in-force = Van kracht
objection-action-rule = Regel G.12: u kunt binnen 5 werkdagen na de handeling schriftelijk en met bewijs bezwaar maken. Een andere accountmanager dan degene die de handeling verrichtte, beslist binnen 15 werkdagen; een gegrond bezwaar maakt de handeling ongedaan.
objection-action-commission = Commissie op bestelling { $order }
objection-action-commission-rejected = Commissie op bestelling { $order } afgewezen
objection-action-commission-reversed = Commissie op bestelling { $order } teruggedraaid
objection-action-commission-held = Commissie op bestelling { $order } vastgehouden voor controle (E.10.j)
objection-action-channel = Kanaal ‘{ $name }’ afgewezen
objection-action-membership = Lidmaatschap { $name } afgewezen
objection-action-ban = Registratieverbod op { $value }
objection-subject-measure = Maatregel
objection-subject-commission = Commissie
objection-subject-channel = Kanaal
objection-subject-membership = Lidmaatschap
objection-subject-ban = Registratieverbod
mail-action-objection-upheld = Uw bezwaar tegen ‘{ $action }’ van { $date } is gegrond verklaard: de handeling is ongedaan gemaakt.
mail-action-objection-rejected = Uw bezwaar tegen ‘{ $action }’ van { $date } is afgewezen; de handeling blijft van kracht.
login-banned-objection = Bezwaar maken tegen het verbod (regel G.12)
