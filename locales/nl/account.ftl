nav-account = Mijn account
nav-manage = Beheer
nav-logout = Uitloggen

form-error-summary = Er is een probleem
form-error-prefix = Fout:
form-cancel = Annuleren
field-choose = Maak een keuze

field-email = E-mailadres
field-email-help = Hierheen sturen wij de link om uw account te activeren.
field-website-url = Websiteadres
field-website-url-help = Het adres van de website waarop u wilt adverteren, bijvoorbeeld www.uwwebsite.nl.
field-channel-name = Naam van het advertentiekanaal
field-channel-name-help = De naam van uw website zoals bezoekers die kennen.
field-category = Soort website
field-promotion-methods = Promotiemethoden
field-promotion-methods-help = Kies alle manieren waarop u het programma wilt promoten.
field-participant-kind = Soort deelnemer
field-company-name = Bedrijfsnaam
field-contact-name = Naam contactpersoon
field-country = Land
field-platform-seller = Ik ben verkoper op AliExpress
field-platform-seller-help = Verkopers zijn welkom. Regel E.10.k verbiedt alleen reclame voor uw eigen winkel: die kan niet uw kanaal zijn.
field-password = Wachtwoord
field-new-password = Nieuw wachtwoord
field-current-password = Huidig wachtwoord
field-password-help = Minstens 12 tekens, alle tekens zijn toegestaan. Een zin van een paar woorden is sterk en makkelijk te onthouden.
field-password-confirm = Herhaal het wachtwoord
field-accept-rules = Ik heb de Advertising Rules and Policies gelezen en ga ermee akkoord
field-accept-rules-link = Lees de Advertising Rules and Policies (opent in een nieuw venster)

kind-publisher = Publisher
kind-publisher-help = U beheert één website of advertentiekanaal.
kind-network = Netwerk
kind-network-help = U beheert meerdere websites of advertentiekanalen.

category-content = Contentsite of blog
category-reviews = Reviewsite
category-coupons = Kortingscodesite
category-cashback-loyalty = Cashback-/loyaltysite
category-price-comparison = Prijsvergelijker
category-social-media = Sociale media
category-email = E-mailnieuwsbrief
category-other = Anders

method-content = Content en artikelen
method-reviews = Websitebeoordelingen
method-coupons = Kortingscodes
method-cashback-loyalty = Cashback en loyalty
method-price-comparison = Prijsvergelijking
method-email-marketing = E-mailmarketing
method-social-media = Sociale media
method-keyword-marketing = Keyword marketing (zoekmachineadvertenties)

error-email-empty = Vul uw e-mailadres in.
error-email-too-long = Een e-mailadres heeft hoogstens 254 tekens.
error-email-invalid = Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl.
error-website-empty = Vul het adres van uw website in.
error-website-too-long = Een websiteadres heeft hoogstens 2000 tekens.
error-website-scheme = Alleen adressen die met http:// of https:// beginnen zijn toegestaan.
error-website-credentials = Een websiteadres mag geen gebruikersnaam of wachtwoord bevatten.
error-website-invalid = Vul het adres van een openbare website in, zoals www.uwwebsite.nl.
error-website-look-alike = Dit adres mengt Latijnse letters met letters uit een ander schrift die erop lijken. Typ het adres met gewone letters.
error-channel-name-empty = Vul de naam van uw advertentiekanaal in.
error-channel-name-too-short = De naam heeft minstens 2 tekens.
error-channel-name-too-long = De naam heeft hoogstens 100 tekens.
error-channel-name-characters = De naam bevat tekens die niet zijn toegestaan.
error-channel-name-invisible = De naam bevat een onzichtbaar opmaakteken (zoals een richtingsteken of een spatie zonder breedte), misschien mee geplakt. Typ de naam opnieuw.
error-company-name-empty = Vul uw bedrijfsnaam in.
error-company-name-too-short = De bedrijfsnaam heeft minstens 2 tekens.
error-company-name-too-long = De bedrijfsnaam heeft hoogstens 200 tekens.
error-company-name-characters = De bedrijfsnaam bevat tekens die niet zijn toegestaan.
error-company-name-invisible = De bedrijfsnaam bevat een onzichtbaar opmaakteken (zoals een richtingsteken of een spatie zonder breedte), misschien mee geplakt. Typ de naam opnieuw.
error-contact-name-empty = Vul de naam van de contactpersoon in.
error-contact-name-too-short = De naam heeft minstens 2 tekens.
error-contact-name-too-long = De naam heeft hoogstens 200 tekens.
error-contact-name-characters = De naam bevat tekens die niet zijn toegestaan.
error-contact-name-invisible = De naam bevat een onzichtbaar opmaakteken (zoals een richtingsteken of een spatie zonder breedte), misschien mee geplakt. Typ de naam opnieuw.
error-category = Kies de soort website.
error-participant-kind = Kies of u publisher of netwerk bent.
error-promotion-methods-empty = Kies minstens één promotiemethode.
error-promotion-methods-unknown = Kies alleen promotiemethoden uit de lijst.
error-country = Kies een land uit de lijst.
error-registration-barred = Aanmelden met deze gegevens is niet mogelijk. Neem contact op met het publisherteam.
error-password-empty = Vul uw wachtwoord in.
error-password-too-short = Een wachtwoord heeft minstens 12 tekens.
error-password-too-long = Een wachtwoord heeft hoogstens 128 tekens.
error-password-common = Dit wachtwoord komt te vaak voor en is makkelijk te raden. Kies een ander.
error-password-contains-email = Het wachtwoord mag uw e-mailadres niet bevatten.
error-password-confirm-empty = Herhaal het wachtwoord.
error-password-mismatch = De twee wachtwoorden zijn niet gelijk.
error-accept-rules = U kunt zich alleen aanmelden als u akkoord gaat met de regels.
error-current-password = Het huidige wachtwoord klopt niet.
error-login-failed = Het e-mailadres of het wachtwoord klopt niet.
error-login-limited = Te veel mislukte pogingen. Wacht 15 minuten en probeer het dan opnieuw, of vraag een nieuw wachtwoord aan.

signup-step-of = Stap { $step } uit { $total }
signup-continue = Verder gaan
signup-back = Terug
signup-finish = Aanmelding afronden
signup-email-title = Aanmelden als publisher
signup-email-intro = Vul hieronder uw e-mailadres in en klik op "Verder gaan".
signup-have-account = Heeft u al een account?
signup-draft-expired = Uw aanmelding is verlopen of nog niet begonnen. Begin hier opnieuw; wat u eerder invulde is 24 uur bewaard.
signup-channel-title = Uw website en gegevens
signup-channel-intro = U meldt zich aan met { $email }.
signup-change-email = E-mailadres wijzigen
signup-channel-website = Uw website
signup-channel-participant = Over u
signup-account-title = Wachtwoord en regels
signup-account-intro = Kies een wachtwoord voor { $email } en ga akkoord met de regels van het programma.
signup-sent-title = Kijk in uw mailbox
signup-sent-text = Wij hebben een e-mail gestuurd naar het adres dat u opgaf. Klik op de link in die e-mail om uw account te activeren.
signup-sent-no-mail = Geen e-mail ontvangen? Kijk ook in uw map met ongewenste e-mail, of
signup-resend-link = vraag een nieuwe activeringslink aan

resend-title = Nieuwe activeringslink
resend-intro = Vul het e-mailadres in waarmee u zich aanmeldde. Als er een account is dat nog geactiveerd moet worden, sturen wij een nieuwe link.
resend-submit = Link versturen
resend-sent = Als er een account is dat nog geactiveerd moet worden, hebben wij een nieuwe link gestuurd. Kijk in uw mailbox.

activate-form-title = Activeer uw account
activate-form-lead = Vul het wachtwoord in dat u bij het aanmelden koos, zodat we weten dat u zich zelf hebt aangemeld.
activate-submit = Activeer mijn account
activate-wrong-password = Dit is niet het wachtwoord dat bij het aanmelden is gekozen. Controleer het, of kies hieronder een nieuw wachtwoord.
activate-not-you = Bent u dat wachtwoord vergeten, of hebt u zich niet zelf aangemeld?
activate-choose-new = Kies een nieuw wachtwoord via e-mail
activate-done-title = Uw account is geactiveerd
activate-done-text = Welkom! U kunt nu inloggen.
activate-problem-title = Deze link werkt niet
activate-unknown = Deze activeringslink is onbekend. Controleer of u de hele link uit de e-mail gebruikte, of vraag een nieuwe aan.
activate-used = Deze activeringslink is al gebruikt. Heeft u uw account al geactiveerd, dan kunt u inloggen.
activate-expired = Deze activeringslink is verlopen: een link is 48 uur geldig. Vraag een nieuwe aan.

login-title = Inloggen
login-forgot = Wachtwoord vergeten?
login-no-account = Nog geen account?
login-inactive-title = Uw account is nog niet geactiveerd
login-inactive-text = Klik op de link in de e-mail die wij u stuurden na de aanmelding. Geen e-mail ontvangen of is de link verlopen? Vraag een nieuwe aan.

notice-login-required = Log in om deze pagina te zien.
notice-logged-out = U bent uitgelogd.
notice-password-reset-done = Uw wachtwoord is gewijzigd. U kunt nu inloggen met het nieuwe wachtwoord.
notice-password-changed = Uw wachtwoord is gewijzigd. Op andere apparaten bent u uitgelogd.

forgot-title = Wachtwoord vergeten
forgot-intro = Vul uw e-mailadres in. Wij sturen u een link waarmee u een nieuw wachtwoord kiest.
forgot-submit = Link versturen
forgot-sent = Als er een account bij dit adres hoort, hebben wij een link gestuurd. Kijk in uw mailbox.
reset-title = Nieuw wachtwoord kiezen
reset-submit = Wachtwoord opslaan
reset-new-link = Nieuwe link aanvragen
reset-unknown = Deze link is onbekend. Vraag een nieuwe aan.
reset-used = Deze link is al gebruikt. Vraag zo nodig een nieuwe aan.
reset-expired = Deze link is verlopen: een link is 48 uur geldig. Vraag een nieuwe aan.

password-change-title = Wachtwoord wijzigen
password-change-intro = Na het wijzigen bent u op alle andere apparaten uitgelogd.
password-change-submit = Wachtwoord wijzigen

dashboard-title = Mijn account
dashboard-account = Uw gegevens
dashboard-channels = Uw advertentiekanalen
dashboard-channels-caption = Advertentiekanalen en de stand van hun beoordeling
dashboard-review-state = Beoordeling
dashboard-no-channels = U heeft nog geen advertentiekanalen.
dashboard-review-help = Een accountmanager beoordeelt elk nieuw of gewijzigd kanaal. U ontvangt bericht zodra dat gebeurd is.
review-pending = Wacht op beoordeling
review-flagged = Wordt extra beoordeeld
review-approved = Goedgekeurd
review-rejected = Afgewezen

manage-title = Beheer
manage-welcome = U bent ingelogd als accountmanager ({ $email }).

mail-signature = Met vriendelijke groet, het publisherteam van Partnerlink
mail-not-you = Heeft u zich niet aangemeld? Dan kunt u deze e-mail negeren; er gebeurt niets.
mail-link-validity = De link is { $hours } uur geldig en werkt één keer.
mail-activation-subject = Activeer uw Partnerlink-account
mail-activation-intro = Bedankt voor uw aanmelding als publisher. Klik op de knop hieronder en vul het gekozen wachtwoord in om uw account te activeren. Hebt u zich niet aangemeld? Dan kunt u deze e-mail negeren: zonder dat wachtwoord kan niemand het account activeren.
mail-activation-action = Account activeren
mail-existing-subject = U heeft al een Partnerlink-account
mail-existing-intro = Iemand probeerde zich aan te melden met dit e-mailadres, maar er is al een account met dit adres. U kunt gewoon inloggen.
mail-existing-action = Inloggen
mail-existing-forgot = Wachtwoord vergeten? Kies een nieuw via { $link }
mail-reset-subject = Kies een nieuw wachtwoord voor Partnerlink
mail-reset-intro = U vroeg om een nieuw wachtwoord. Klik op de knop hieronder om er een te kiezen.
mail-reset-action = Nieuw wachtwoord kiezen
mail-reset-not-you = Vroeg u dit niet aan? Dan kunt u deze e-mail negeren; uw wachtwoord blijft hetzelfde.
mail-password-changed-subject = Uw Partnerlink-wachtwoord is gewijzigd
mail-password-changed-intro = Het wachtwoord van uw Partnerlink-account is zojuist gewijzigd, en alle andere sessies van het account zijn uitgelogd.
mail-password-changed-action = Kies een nieuw wachtwoord
mail-password-changed-not-you = Hebt u het niet gewijzigd? Kies dan meteen een nieuw wachtwoord via de link hierboven en laat het publisherteam het weten.
sessions-title = Waar u bent ingelogd
sessions-count = Sessies van uw account die nu ingelogd zijn, deze meegeteld: { $count }.
sessions-until = Eindigt, bij geen activiteit, op { $until }
sessions-end-others = Overal elders uitloggen
sessions-help = Alle andere browsers en apparaten worden meteen uitgelogd; deze blijft ingelogd. Wijzig ook uw wachtwoord als u een sessie niet herkent.
notice-sessions-ended = U bent overal elders uitgelogd.

# Een uitgeschakelde accountmanager (issue 21, punt 4) en het wachtwoord opnieuw gevraagd (punt 8)
error-login-disabled = Dit account is door een beheerder van het netwerk uitgeschakeld en kan niet inloggen. Vraag een beheerder om het weer in te schakelen.
error-password-limited = Te veel mislukte pogingen met het wachtwoord van dit account. Wacht 15 minuten en probeer het dan opnieuw.

## E.10.k zoals geschreven: een verkoper mag deelnemen, zijn eigen winkel is geen kanaal (issue 22, punt 10)
field-platform-seller-legend = Verkoopt u op AliExpress?
field-storefront-url = Uw winkel op AliExpress
field-storefront-url-help = Alleen als u op AliExpress verkoopt: het adres van uw winkel, zoals https://www.aliexpress.com/store/1234567.
error-storefront-empty = U verkoopt op AliExpress: vul het adres van uw winkel daar in, of haal het vinkje weg.
error-storefront-invalid = Vul het volledige adres van uw winkel in, zoals https://www.aliexpress.com/store/1234567.
error-storefront-platform = Dit is geen winkel op AliExpress. Vul het adres van uw eigen winkel in, zoals https://www.aliexpress.com/store/1234567.
error-own-storefront = Dit adres is uw eigen winkel op AliExpress. Volgens regel E.10.k mag een verkoper deelnemen, maar geen reclame maken voor zijn eigen winkel via het programma. Vul een eigen website in.
## F.11.g: de lijst met uitsluitingen, gecontroleerd bij inloggen en bij kanalen
error-login-banned = Dit account is uitgesloten van het programma (regel F.11.g) en kan niet inloggen. Neem contact op met het publisherteam.
error-channel-domain-barred = Kanalen op dit domein kunnen niet worden aangemeld (regel F.11.g). Neem contact op met het publisherteam.
