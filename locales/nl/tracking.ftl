## Het eigen deel van de deelnemer: navigatie
account-nav-label = Mijn account
account-nav-overview = Overzicht
account-nav-channels = Kanalen
account-nav-links = Trackinglinks
account-nav-statistics = Statistieken

## Kanalen en deelname aan het programma
channels-title = Advertentiekanalen
channels-intro = Uw advertentiekanalen en hun deelname aan het programma { $programme }. Een kanaal moet door een accountmanager zijn goedgekeurd voordat het zich voor het programma kan aanmelden.
channels-membership = Deelname aan { $programme }
channels-edit = { $name } wijzigen
channels-apply = Aanmelden voor { $programme }
channels-make-links = Trackinglinks maken
channels-add = Advertentiekanaal toevoegen
channels-publisher-one = Een publisher heeft één advertentiekanaal (regel A.1.g). Een deelnemer met meerdere websites neemt deel als netwerk (regel A.1.f): neem contact op met het publisherteam.
channels-terminated = Uw account is beëindigd. Uw gegevens blijven zichtbaar, maar u kunt geen kanalen meer toevoegen en u niet meer voor programma's aanmelden.
channels-forbidden-warning = Dit kanaal vermeldt { $methods }, wat { $programme } niet toestaat. Verwijder dit uit het kanaal voordat u zich aanmeldt. In de woorden van het programma:
channel-new-title = Advertentiekanaal toevoegen
channel-edit-title = Advertentiekanaal wijzigen
channel-edit-review-again = Dit kanaal is goedgekeurd. Als u het wijzigt, beoordeelt een accountmanager het opnieuw; tot die tijd worden de kliks niet vergoed.
channel-save = Kanaal opslaan
membership-none = Nog niet aangemeld
membership-pending = Aanvraag wordt beoordeeld
membership-approved = Neemt deel
membership-rejected = Aanvraag afgewezen
notice-channel-added = Uw kanaal is toegevoegd. Een accountmanager beoordeelt het.
notice-channel-saved = Uw wijzigingen zijn opgeslagen. Een accountmanager beoordeelt het kanaal opnieuw.
notice-channel-unchanged = Er is niets gewijzigd.
notice-membership-applied = Uw aanvraag is verstuurd. Een accountmanager neemt er een besluit over.
error-channel-limit = Een publisher heeft één advertentiekanaal (regel A.1.g). Neem contact op met het publisherteam als u als netwerk wilt deelnemen.
error-terminated = Uw account is beëindigd; dit is niet meer mogelijk.
error-apply-not-approved = Dit kanaal is nog niet goedgekeurd. U kunt zich aanmelden zodra een accountmanager het heeft goedgekeurd.
error-apply-already = Dit kanaal heeft zich al voor het programma aangemeld.
error-apply-forbidden = Dit kanaal vermeldt { $methods }, wat het programma niet toestaat. Verwijder dit uit het kanaal en meld u daarna opnieuw aan.

## Linkgenerator
links-title = Trackinglinks
links-intro = Maak een trackinglink voor { $programme }. Elke klik erop wordt voor uw kanaal geteld; de bezoeker gaat naar de website van de adverteerder.
links-none = U kunt trackinglinks maken zodra een van uw advertentiekanalen deelneemt aan { $programme }.
links-channel = Advertentiekanaal
links-ad = Advertentie-ID (optioneel)
links-ad-help = Het nummer van de banner of tekstlink, als de adverteerder u dat heeft gegeven.
links-epi = Sub-ID (epi, optioneel)
links-epi-help = Uw eigen label om kliks in uw statistieken uit elkaar te houden: 1 tot 64 letters, cijfers, koppeltekens, liggende streepjes of punten, bijvoorbeeld nieuwsbrief-week48.
links-url = Pagina op de website van de adverteerder (deeplink, optioneel)
links-url-help = Laat leeg om bezoekers naar de homepage te sturen. Alleen pagina's op de eigen website van de adverteerder worden geaccepteerd.
links-generate = Link maken
links-result = Uw trackinglink
links-link = Trackinglink
links-link-help = Kopieer dit adres naar uw website, nieuwsbrief of bericht.
links-try = Link uitproberen
links-snippet = HTML-code voor uw website
links-qr = QR-code van de trackinglink
links-qr-download = QR-code downloaden (SVG)
error-link-channel = Kies een van uw advertentiekanalen die aan het programma deelnemen.
error-link-ad = Een advertentie-ID is een getal van 1 tot 999999999.
error-link-epi = Een sub-ID heeft 1 tot 64 tekens: letters, cijfers, koppeltekens (-), liggende streepjes (_) of punten (.).
error-link-deeplink-off = Dit programma staat geen links naar andere pagina's dan de homepage toe.
error-link-url-invalid = Vul een volledig webadres in dat begint met https://.
error-link-url-domain = Alleen pagina's op de eigen website van de adverteerder worden geaccepteerd.

## Statistieken
stats-title = Klikstatistieken
stats-intro = Kliks op uw trackinglinks per dag, per kanaal of per sub-ID. Dagen zijn in UTC.
stats-from = Van
stats-to = Tot en met
stats-date-help = Datum als jaar-maand-dag, bijvoorbeeld 2026-11-01.
stats-group = Tonen per
stats-group-day = Dag
stats-group-channel = Kanaal
stats-group-epi = Sub-ID
stats-show = Tonen
stats-period = { $from } tot en met { $to }
stats-caption = Kliks per { $group }, vergoed en niet vergoed
stats-credited = Vergoed
stats-not-credited = Niet vergoed
stats-total = Totaal
stats-none = Geen kliks in deze periode.
stats-no-epi = (geen sub-ID)
stats-not-credited-help = Kliks worden niet vergoed als het kanaal of de deelname (nog) niet is goedgekeurd, en als ze afwijkend zijn (regel E.10.c): van bekende robots, binnen 30 seconden herhaald door dezelfde bezoeker, of te veel van één bezoeker in een minuut.
stats-csv = Downloaden als CSV
stats-more = Hier staan alleen de eerste { $shown } sub-ID's; het CSV-bestand bevat ze allemaal.
error-date = Vul een datum in als jaar-maand-dag, bijvoorbeeld 2026-11-01.
error-grouping = Kies dag, kanaal of sub-ID.
error-period-order = De einddatum mag niet voor de begindatum liggen.
error-period-too-long = Kies een periode van hoogstens 366 dagen.

## Console van de accountmanagers
manage-channels = Kanalen die op beoordeling wachten
manage-channels-none = Er wachten geen kanalen op beoordeling.
manage-memberships = Aanvragen voor programma's
manage-memberships-none = Er wachten geen aanvragen op een besluit.
manage-submitted = Ingediend
manage-applied = Aangevraagd
manage-screening = Merkcontrole (B.5.a)
manage-reason = Reden
manage-reason-help = Verplicht bij afwijzen; de deelnemer leest de reden in de e-mail en in het portaal.
manage-approve = Goedkeuren
manage-reject = Afwijzen
manage-quality = Klikkwaliteit per kanaal, laatste 30 dagen
manage-quality-caption = Kliks per kanaal en het aandeel dat als afwijkend is gemarkeerd (regel E.10.c)
manage-quality-none = Geen kliks in de laatste 30 dagen.
manage-flagged-share = Aandeel gemarkeerd
reason-bot = Robot
reason-duplicate = Herhaald
reason-velocity = Te snel
notice-decision-saved = Het besluit is opgeslagen en de deelnemer is per e-mail op de hoogte gebracht.
notice-decision-gone = Over dit onderdeel was al besloten; er is niets gewijzigd.
error-reason-required = Geef de reden van de afwijzing.
error-reason-too-long = Een reden heeft hoogstens 1.000 tekens.
error-reason-characters = De reden bevat tekens die niet zijn toegestaan.
error-text-invisible = De tekst bevat een onzichtbaar opmaakteken (zoals een richtingsteken of een spatie zonder breedte), misschien mee geplakt. Typ dat deel opnieuw.
error-decision = Kies goedkeuren of afwijzen.

## E-mails over besluiten
mail-channel-approved-subject = Uw advertentiekanaal { $channel } is goedgekeurd
mail-channel-approved-intro = Een accountmanager heeft uw advertentiekanaal { $channel } goedgekeurd. U kunt zich er nu mee voor het programma aanmelden.
mail-channel-rejected-subject = Uw advertentiekanaal { $channel } is niet goedgekeurd
mail-channel-rejected-intro = Een accountmanager heeft uw advertentiekanaal { $channel } niet goedgekeurd.
mail-membership-approved-subject = { $channel } neemt nu deel aan { $programme }
mail-membership-approved-intro = Uw aanvraag voor { $channel } voor het programma { $programme } is goedgekeurd. U kunt nu trackinglinks maken.
mail-membership-rejected-subject = Uw aanvraag voor { $programme } is niet goedgekeurd
mail-membership-rejected-intro = Uw aanvraag voor { $channel } voor het programma { $programme } is niet goedgekeurd.
mail-decision-reason = Reden: { $reason }
mail-decision-action = Uw kanalen bekijken
stats-chart-title = Kliks per dag
stats-chart-desc = Vergoede en niet vergoede kliks per dag, gestapeld; de tabel hieronder geeft de aantallen.
stats-chart-caption = Vergoede en niet vergoede kliks per dag. De tabel hieronder heeft elk aantal.
error-applications-restricted = Een accountmanager heeft nieuwe aanvragen voor uw account beperkt (regel F.11.f). Zie uw berichten.
membership-ended-forbidden = Beëindigd: het kanaal vermeldt nu { $methods }, wat het programma niet toestaat.

## Wat de controle van een kanaal vond (issue 22, punt 8)
channels-screening = Waarom het extra wordt beoordeeld
screening-brand = De naam of het adres bevat { $terms }, een merk van de Alibaba Group (A.1.e). Volgens regel B.5.a mag een kanaal dat niet bevatten zonder schriftelijke toestemming van AliExpress, dus een accountmanager beoordeelt het kanaal extra.
screening-duplicate-domain = Een andere deelnemer heeft al een kanaal op { $domain }. Een accountmanager controleert of de website van u is.
