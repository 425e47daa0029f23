nav-account = My account
nav-manage = Console
nav-logout = Log out

form-error-summary = There is a problem
form-error-prefix = Error:
form-cancel = Cancel
field-choose = Please choose

field-email = E-mail address
field-email-help = We send the link to activate your account here.
field-website-url = Website address
field-website-url-help = The address of the website you want to advertise on, for example www.yourwebsite.com.
field-channel-name = Name of the advertising channel
field-channel-name-help = Your website's name as visitors know it.
field-category = Kind of website
field-promotion-methods = Promotion methods
field-promotion-methods-help = Choose every way in which you want to promote the programme.
field-participant-kind = Kind of participant
field-company-name = Company name
field-contact-name = Contact person
field-country = Country
field-platform-seller = I am a seller on AliExpress
field-platform-seller-help = Sellers are welcome. Rule E.10.k only forbids advertising your own storefront: it cannot be your channel.
field-password = Password
field-new-password = New password
field-current-password = Current password
field-password-help = At least 12 characters; any characters are allowed. A sentence of a few words is strong and easy to remember.
field-password-confirm = Repeat the password
field-accept-rules = I have read the Advertising Rules and Policies and accept them
field-accept-rules-link = Read the Advertising Rules and Policies (opens in a new window)

kind-publisher = Publisher
kind-publisher-help = You run one website or advertising channel.
kind-network = Network
kind-network-help = You run several websites or advertising channels.

category-content = Content site or blog
category-reviews = Review site
category-coupons = Coupon site
category-cashback-loyalty = Cashback/loyalty site
category-price-comparison = Price comparison site
category-social-media = Social media
category-email = E-mail newsletter
category-other = Other

method-content = Content and articles
method-reviews = Website reviews
method-coupons = Coupon codes
method-cashback-loyalty = Cashback and loyalty
method-price-comparison = Price comparison
method-email-marketing = E-mail marketing
method-social-media = Social media
method-keyword-marketing = Keyword marketing (search engine ads)

error-email-empty = Enter your e-mail address.
error-email-too-long = An e-mail address has at most 254 characters.
error-email-invalid = Enter a valid e-mail address, such as name@example.com.
error-website-empty = Enter your website's address.
error-website-too-long = A website address has at most 2,000 characters.
error-website-scheme = Only addresses starting with http:// or https:// are accepted.
error-website-credentials = A website address may not contain a user name or password.
error-website-invalid = Enter the address of a public website, such as www.yourwebsite.com.
error-website-look-alike = This address mixes Latin letters with look-alike letters from another script. Type the address in plain letters.
error-channel-name-empty = Enter the name of your advertising channel.
error-channel-name-too-short = The name has at least 2 characters.
error-channel-name-too-long = The name has at most 100 characters.
error-channel-name-characters = The name contains characters that are not allowed.
error-channel-name-invisible = The name contains an invisible formatting character (such as a direction mark or a zero-width space), perhaps pasted with it. Type the name again.
error-company-name-empty = Enter your company name.
error-company-name-too-short = The company name has at least 2 characters.
error-company-name-too-long = The company name has at most 200 characters.
error-company-name-characters = The company name contains characters that are not allowed.
error-company-name-invisible = The company name contains an invisible formatting character (such as a direction mark or a zero-width space), perhaps pasted with it. Type the name again.
error-contact-name-empty = Enter the contact person's name.
error-contact-name-too-short = The name has at least 2 characters.
error-contact-name-too-long = The name has at most 200 characters.
error-contact-name-characters = The name contains characters that are not allowed.
error-contact-name-invisible = The name contains an invisible formatting character (such as a direction mark or a zero-width space), perhaps pasted with it. Type the name again.
error-category = Choose the kind of website.
error-participant-kind = Choose whether you are a publisher or a network.
error-promotion-methods-empty = Choose at least one promotion method.
error-promotion-methods-unknown = Choose promotion methods from the list only.
error-country = Choose a country from the list.
error-registration-barred = Signing up with these details is not possible. Please contact the publisher team.
error-password-empty = Enter your password.
error-password-too-short = A password has at least 12 characters.
error-password-too-long = A password has at most 128 characters.
error-password-common = This password is too common and easy to guess. Please choose another.
error-password-contains-email = The password may not contain your e-mail address.
error-password-confirm-empty = Repeat the password.
error-password-mismatch = The two passwords are not the same.
error-accept-rules = You can only sign up if you accept the rules.
error-current-password = The current password is not right.
error-login-failed = The e-mail address or the password is not right.
error-login-limited = Too many failed attempts. Wait 15 minutes and try again, or ask for a new password.

signup-step-of = Step { $step } of { $total }
signup-continue = Continue
signup-back = Back
signup-finish = Complete sign-up
signup-email-title = Sign up as a publisher
signup-email-intro = Enter your e-mail address below and click "Continue".
signup-have-account = Already have an account?
signup-draft-expired = Your sign-up has expired or has not started yet. Please start here; what you entered earlier is kept for 24 hours.
signup-channel-title = Your website and details
signup-channel-intro = You are signing up with { $email }.
signup-change-email = Change e-mail address
signup-channel-website = Your website
signup-channel-participant = About you
signup-account-title = Password and rules
signup-account-intro = Choose a password for { $email } and accept the programme's rules.
signup-sent-title = Check your mailbox
signup-sent-text = We have sent an e-mail to the address you gave. Click the link in it to activate your account.
signup-sent-no-mail = No e-mail? Please also look in your spam folder, or
signup-resend-link = ask for a new activation link

resend-title = New activation link
resend-intro = Enter the e-mail address you signed up with. If there is an account that still needs to be activated, we send a new link.
resend-submit = Send link
resend-sent = If there is an account that still needs to be activated, we have sent a new link. Please check your mailbox.

activate-form-title = Activate your account
activate-form-lead = To confirm that it was you who signed up, enter the password you chose when you signed up.
activate-submit = Activate my account
activate-wrong-password = This is not the password chosen at signup. Check it, or choose a new password below.
activate-not-you = Forgot that password, or did you not sign up yourself?
activate-choose-new = Choose a new password by e-mail
activate-done-title = Your account is activated
activate-done-text = Welcome! You can now log in.
activate-problem-title = This link does not work
activate-unknown = This activation link is unknown. Check that you used the whole link from the e-mail, or ask for a new one.
activate-used = This activation link has been used already. If you activated your account, you can log in.
activate-expired = This activation link has expired: a link is valid for 48 hours. Please ask for a new one.

login-title = Log in
login-forgot = Forgot your password?
login-no-account = No account yet?
login-inactive-title = Your account is not activated yet
login-inactive-text = Click the link in the e-mail we sent you after signing up. No e-mail, or has the link expired? Ask for a new one.

notice-login-required = Please log in to see this page.
notice-logged-out = You have logged out.
notice-password-reset-done = Your password has been changed. You can now log in with the new password.
notice-password-changed = Your password has been changed. You have been logged out on other devices.

forgot-title = Forgot your password
forgot-intro = Enter your e-mail address. We send you a link to choose a new password.
forgot-submit = Send link
forgot-sent = If an account belongs to this address, we have sent a link. Please check your mailbox.
reset-title = Choose a new password
reset-submit = Save password
reset-new-link = Ask for a new link
reset-unknown = This link is unknown. Please ask for a new one.
reset-used = This link has been used already. Ask for a new one if needed.
reset-expired = This link has expired: a link is valid for 48 hours. Please ask for a new one.

password-change-title = Change password
password-change-intro = After the change you are logged out on all other devices.
password-change-submit = Change password

dashboard-title = My account
dashboard-account = Your details
dashboard-channels = Your advertising channels
dashboard-channels-caption = Advertising channels and the state of their review
dashboard-review-state = Review
dashboard-no-channels = You have no advertising channels yet.
dashboard-review-help = An account manager reviews every new or changed channel. You are told as soon as that has happened.
review-pending = Awaiting review
review-flagged = Under closer review
review-approved = Approved
review-rejected = Rejected

manage-title = Console
manage-welcome = You are logged in as an account manager ({ $email }).

mail-signature = Kind regards, the Partnerlink publisher team
mail-not-you = Did you not sign up? Then you can ignore this e-mail; nothing will happen.
mail-link-validity = The link is valid for { $hours ->
        [one] one hour
       *[other] { $hours } hours
    } and works once.
mail-activation-subject = Activate your Partnerlink account
mail-activation-intro = Thank you for signing up as a publisher. Click the button below and enter the password you chose to activate your account. Did you not sign up? Then ignore this e-mail: without that password nobody can activate the account.
mail-activation-action = Activate account
mail-existing-subject = You already have a Partnerlink account
mail-existing-intro = Someone tried to sign up with this e-mail address, but an account with this address exists already. You can simply log in.
mail-existing-action = Log in
mail-existing-forgot = Forgot your password? Choose a new one at { $link }
mail-reset-subject = Choose a new Partnerlink password
mail-reset-intro = You asked for a new password. Click the button below to choose one.
mail-reset-action = Choose a new password
mail-reset-not-you = Did you not ask for this? Then you can ignore this e-mail; your password stays the same.
mail-password-changed-subject = Your Partnerlink password was changed
mail-password-changed-intro = The password of your Partnerlink account was just changed, and every other session of the account was logged out.
mail-password-changed-action = Choose a new password
mail-password-changed-not-you = Did you not change it? Choose a new password with the link above at once, and tell the publisher team.
sessions-title = Where you are logged in
sessions-count = Sessions of your account that are logged in now, this one included: { $count }.
sessions-until = Ends, if left idle, at { $until }
sessions-end-others = Log out everywhere else
sessions-help = Every other browser or device is logged out at once; this one stays logged in. Change your password too if you do not recognise a session.
notice-sessions-ended = You have been logged out everywhere else.

# A disabled account manager (issue 21, point 4) and the password asked for again (point 8)
error-login-disabled = This account has been disabled by an administrator of the network and cannot log in. Ask an administrator to enable it again.
error-password-limited = Too many failed attempts with this account's password. Wait 15 minutes and try again.

## E.10.k as written: a seller may join, its own storefront is not a channel (issue 22, point 10)
field-platform-seller-legend = Do you sell on AliExpress?
field-storefront-url = Your storefront on AliExpress
field-storefront-url-help = Only if you sell on AliExpress: the address of your storefront, such as https://www.aliexpress.com/store/1234567.
error-storefront-empty = You sell on AliExpress: enter the address of your storefront there, or untick the box.
error-storefront-invalid = Enter the full address of your storefront, such as https://www.aliexpress.com/store/1234567.
error-storefront-platform = This is not a storefront on AliExpress. Enter the address of your own storefront, such as https://www.aliexpress.com/store/1234567.
error-own-storefront = This address is your own storefront on AliExpress. Under rule E.10.k a seller may take part, but may not advertise their own storefront through the programme. Enter a website of your own.
## F.11.g: the ban list, checked at login and for channels
error-login-banned = This account is barred from the programme (rule F.11.g) and cannot log in. Please contact the publisher team.
error-channel-domain-barred = Channels on this domain cannot be registered (rule F.11.g). Please contact the publisher team.
