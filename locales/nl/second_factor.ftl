## Inloggen in twee stappen: de code na het wachtwoord, aanzetten, herstelcodes (issue 21, punt 10)

second-factor-login-title = Inloggen in twee stappen
second-factor-login-intro = Uw wachtwoord klopt. Vul nu de code van 6 cijfers in die uw authenticator-app bij Partnerlink toont.
second-factor-login-submit = Inloggen
second-factor-recovery-summary = Telefoon kwijt? Gebruik een herstelcode
second-factor-login-restart = Opnieuw beginnen met uw e-mailadres en wachtwoord
field-second-factor-code = Code
field-second-factor-code-help = 6 cijfers, uit de authenticator-app op uw telefoon.
field-recovery-code = Herstelcode
field-recovery-code-help = Een van de tien codes die u bewaarde toen u inloggen in twee stappen aanzette, zoals abcd-efgh-jkmn. Elke code werkt één keer.
error-second-factor-code-empty = Vul de code in.
error-second-factor-code-wrong = Deze code klopt niet, of is al gebruikt. Vul de code in die uw app nu toont.
notice-second-factor-expired = Log opnieuw in: de code is niet binnen 5 minuten na het wachtwoord ingevuld.
notice-second-factor-turned-off = Inloggen in twee stappen staat uit. U logt nu in met alleen uw wachtwoord.

second-factor-enrol-title = Inloggen in twee stappen aanzetten
second-factor-enrol-required = Accountmanagers loggen in twee stappen in: met hun wachtwoord en met een code uit een app op hun telefoon. Stel het nu in; daarna opent de console.
second-factor-enrol-intro = U hebt een authenticator-app op uw telefoon nodig, zoals Google Authenticator, Microsoft Authenticator, FreeOTP of Aegis.
second-factor-enrol-scan = Scan deze QR-code met de app.
second-factor-enrol-qr = QR-code voor uw authenticator-app
second-factor-enrol-type = Lukt scannen niet? Voeg in de app met de hand een account toe en typ deze sleutel:
second-factor-enrol-type-help = Op tijd gebaseerd, 6 cijfers, elke 30 seconden. Deel de sleutel met niemand: wie hem heeft, kan uw codes maken.
second-factor-enrol-code-help = De 6 cijfers die de app nu bij Partnerlink toont.
second-factor-enrol-submit = Aanzetten

second-factor-codes-title = Uw herstelcodes
second-factor-codes-on = Inloggen in twee stappen staat aan.
second-factor-codes-intro = Raakt u uw telefoon kwijt, dan kunt u met elk van deze codes één keer inloggen in plaats van met een code uit de app. Druk ze af of bewaar ze in uw wachtwoordmanager.
second-factor-codes-once = Deze codes worden alleen nu getoond.
second-factor-codes-continue = Verder

second-factor-on-title = Inloggen in twee stappen
second-factor-on-text = Inloggen in twee stappen staat aan: u logt in met uw wachtwoord en een code uit uw authenticator-app.
second-factor-on-codes-left = Herstelcodes over: { $count }.
second-factor-on-required = Accountmanagers moeten in twee stappen inloggen; het kan niet uit. Telefoon én herstelcodes kwijt? Vraag het een beheerder van het netwerk.
second-factor-off-title = Inloggen in twee stappen uitzetten
second-factor-off-intro = Vul uw wachtwoord in en een code uit uw app (of een herstelcode).
second-factor-off-code-help = 6 cijfers uit de app, of een herstelcode.
second-factor-off-submit = Uitzetten
second-factor-dashboard-turn-on = Inloggen in twee stappen aanzetten
