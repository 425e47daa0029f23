site-name = Partnerlink
site-tagline = Publisher portal
skip-to-content = Skip to content
nav-label = Main menu
nav-programme = Programme
nav-rules = Rules
nav-login = Log in
nav-signup = Sign up
lang-switch-label = Language
lang-name-nl = Nederlands
lang-name-en = English
footer-contact = Questions? Contact

home-title = Become an AliExpress publisher
home-eyebrow = Affiliate programme
home-read-more = Read the full programme
home-steps-heading = How to sign up
home-step-1 = Enter your e-mail address and click "Continue".
home-step-2 = Enter your website address and a few other details: there are three short steps, which take no more than a minute altogether.
home-step-3 = After the three steps you receive an e-mail with a link to activate your account. That's all!

programme-title = { $name } affiliate programme
programme-commission-heading = Commission
programme-commission-caption = Commission per event
programme-commission-event = Event
programme-commission-rate = Commission
programme-commission-structure = Commission structure
programme-general-segment = General segment:
programme-rate-sentence = { $rate } for { $scope }
programme-description-heading = Extended programme description
programme-advantages-heading = Advantages of working with { $name }
programme-cookie-heading = Cookie period
programme-deeplinking-heading = Deeplinking
programme-marketing-heading = Accepted marketing methods
programme-keyword-heading = Keyword policy
programme-policies-heading = Additional information
programme-policies-caption = Programme policies
programme-policy-column = Topic
programme-value-column = Policy
programme-contacts-heading = Contacts
programme-signup-heading = Sign up for this programme
programme-signup-text = Sign up as a publisher in three short steps. Once your account is activated you can register your websites and create tracking links.
programme-login-link = Already have an account? Log in
programme-rules-link = Read the programme's Advertising Rules and Policies

policy-cookie-period = Cookie period
policy-deeplinking = Deeplinking
policy-product-feed = Product feed
policy-prepayment = Prepayment programme
policy-keyword-marketing = Keyword marketing
policy-email-marketing = E-mail marketing
policy-cashback-loyalty = Cashback/loyalty sites
policy-coupon-sites = Coupon sites
policy-price-comparison = Price comparison sites
policy-value-session-based = Session based
policy-value-not-possible = Not possible
policy-value-no = No
policy-value-yes = Yes
policy-value-closed = Closed, no brand bidding
policy-value-open-no-brand-bidding = Open, no brand bidding
policy-value-open-brand-bidding = Open, brand bidding allowed
policy-value-session-based-window = Session based: { $window } after the click
policy-value-allowed-after-preview = Allowed, after preview approval
policy-value-allowed = Allowed
policy-value-not-allowed = Not allowed

contact-account-manager = Account manager
contact-publisher-team = Publisher team

rules-binding-note = These rules are published in English only.
rules-contents = Contents

error-code = Error code
error-back-home = Go to the home page
error-400-title = This request is not right
error-400-message = The page could not process this request. Check the address or try again.
error-403-title = Access denied
error-403-message = You have no access to this page, or the form has expired. Go back, reload the page and try again.
error-404-title = Page not found
error-404-message = This page does not exist (any more). Check the address, or start from the home page.
error-429-title = Too many attempts
error-429-message = You tried this too often in a short time. Please wait a moment and try again.
error-503-title = The portal is unavailable for a moment
error-503-message = We cannot reach our database just now. Nothing you entered is lost; please try again in a moment.
error-500-title = Something went wrong
error-500-message = An error on our side kept this page from being shown. None of your data was lost. Please try again in a few minutes.

# Session based attribution (issue 22, point 2): the window, said from the programme's setting.
session-window-hours = { $hours ->
    [one] { $hours } hour
   *[other] { $hours } hours
}
session-window-minutes = { $minutes ->
    [one] { $minutes } minute
   *[other] { $minutes } minutes
}
programme-session-window = An order earns commission when it is placed within { $window } after the click on your link that brought the visitor, also after midnight. Only that click counts: a later click does not extend it.
