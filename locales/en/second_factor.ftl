## Two-step login: the code after the password, enrolment, recovery codes (issue 21, point 10)

second-factor-login-title = Two-step login
second-factor-login-intro = Your password is right. Now enter the 6-digit code your authenticator app shows for Partnerlink.
second-factor-login-submit = Log in
second-factor-recovery-summary = Lost your phone? Use a recovery code
second-factor-login-restart = Start again with your e-mail address and password
field-second-factor-code = Code
field-second-factor-code-help = 6 digits, from the authenticator app on your phone.
field-recovery-code = Recovery code
field-recovery-code-help = One of the ten codes you saved when you turned on two-step login, such as abcd-efgh-jkmn. Each works once.
error-second-factor-code-empty = Enter the code.
error-second-factor-code-wrong = This code is not right, or it has been used already. Enter the code your app shows now.
notice-second-factor-expired = Please log in again: the code was not entered within 5 minutes of the password.
notice-second-factor-turned-off = Two-step login is off. You now log in with your password alone.

second-factor-enrol-title = Turn on two-step login
second-factor-enrol-required = Account managers log in in two steps: with their password and with a code from an app on their phone. Set it up now; the console opens once you have.
second-factor-enrol-intro = You need an authenticator app on your phone, such as Google Authenticator, Microsoft Authenticator, FreeOTP or Aegis.
second-factor-enrol-scan = Scan this QR code with the app.
second-factor-enrol-qr = QR code for your authenticator app
second-factor-enrol-type = Cannot scan? Add an account by hand in the app and type this key:
second-factor-enrol-type-help = Time-based, 6 digits, every 30 seconds. Do not share the key: whoever has it can make your codes.
second-factor-enrol-code-help = The 6 digits the app now shows for Partnerlink.
second-factor-enrol-submit = Turn on

second-factor-codes-title = Your recovery codes
second-factor-codes-on = Two-step login is on.
second-factor-codes-intro = Should you lose your phone, each of these codes lets you log in once instead of a code from the app. Print them or keep them in your password manager.
second-factor-codes-once = These codes are shown only now.
second-factor-codes-continue = Continue

second-factor-on-title = Two-step login
second-factor-on-text = Two-step login is on: you log in with your password and a code from your authenticator app.
second-factor-on-codes-left = Recovery codes left: { $count }.
second-factor-on-required = Account managers must log in in two steps; it cannot be turned off. Lost your phone and your recovery codes? Ask an administrator of the network.
second-factor-off-title = Turn off two-step login
second-factor-off-intro = Enter your password and a code from your app (or a recovery code).
second-factor-off-code-help = 6 digits from the app, or a recovery code.
second-factor-off-submit = Turn off
second-factor-dashboard-turn-on = Turn on two-step login
