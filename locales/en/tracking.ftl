## The participant's area: navigation
account-nav-label = My account
account-nav-overview = Overview
account-nav-channels = Channels
account-nav-links = Tracking links
account-nav-statistics = Statistics

## Channels and programme membership
channels-title = Advertising channels
channels-intro = Your advertising channels and their participation in the { $programme } programme. A channel needs an account manager's approval before it can apply to the programme.
channels-membership = Participation in { $programme }
channels-edit = Change { $name }
channels-apply = Apply to { $programme }
channels-make-links = Make tracking links
channels-add = Add an advertising channel
channels-publisher-one = A publisher has one advertising channel (rule A.1.g). A participant with several websites takes part as a network (rule A.1.f): ask the publisher team.
channels-terminated = Your account has been terminated. Your data stays visible, but you cannot add channels or apply to programmes any more.
channels-forbidden-warning = This channel declares { $methods }, which { $programme } does not allow. Remove it from the channel before you apply. In the programme's own words:
channel-new-title = Add an advertising channel
channel-edit-title = Change an advertising channel
channel-edit-review-again = This channel is approved. If you change it, an account manager reviews it again; until then its clicks are not credited.
channel-save = Save channel
membership-none = Not applied yet
membership-pending = Application under review
membership-approved = Participating
membership-rejected = Application rejected
notice-channel-added = Your channel has been added. An account manager will review it.
notice-channel-saved = Your changes have been saved. An account manager will review the channel again.
notice-channel-unchanged = Nothing was changed.
notice-membership-applied = Your application has been sent. An account manager will decide on it.
error-channel-limit = A publisher has one advertising channel (rule A.1.g). Ask the publisher team if you want to take part as a network.
error-terminated = Your account has been terminated; this is no longer possible.
error-apply-not-approved = This channel has not been approved yet. You can apply as soon as an account manager has approved it.
error-apply-already = This channel has already applied to the programme.
error-apply-forbidden = This channel declares { $methods }, which the programme does not allow. Remove it from the channel, then apply again.

## Link generator
links-title = Tracking links
links-intro = Make a tracking link for { $programme }. Every click on it is counted for your channel; the visitor goes to the advertiser's website.
links-none = You can make tracking links as soon as one of your advertising channels participates in { $programme }.
links-channel = Advertising channel
links-ad = Ad ID (optional)
links-ad-help = The number of the banner or text link, if the advertiser gave you one.
links-epi = Sub-ID (epi, optional)
links-epi-help = Your own label to tell clicks apart in your statistics: 1 to 64 letters, digits, hyphens, underscores or full stops, for example newsletter-week48.
links-url = Page on the advertiser's website (deeplink, optional)
links-url-help = Leave empty to send visitors to the home page. Only pages on the advertiser's own website are accepted.
links-generate = Make link
links-result = Your tracking link
links-link = Tracking link
links-link-help = Copy this address into your website, newsletter or post.
links-try = Try the link
links-snippet = HTML code for your website
links-qr = QR code of the tracking link
links-qr-download = Download the QR code (SVG)
error-link-channel = Choose one of your advertising channels that participate in the programme.
error-link-ad = An ad ID is a number from 1 to 999999999.
error-link-epi = A sub-ID has 1 to 64 characters: letters, digits, hyphens (-), underscores (_) or full stops (.).
error-link-deeplink-off = This programme does not allow links to other pages than its home page.
error-link-url-invalid = Enter a full web address that starts with https://.
error-link-url-domain = Only pages on the advertiser's own website are accepted.

## Statistics
stats-title = Click statistics
stats-intro = Clicks on your tracking links per day, per channel or per sub-ID. Days are in UTC.
stats-from = From
stats-to = To
stats-date-help = Date as year-month-day, for example 2026-11-01.
stats-group = Show per
stats-group-day = Day
stats-group-channel = Channel
stats-group-epi = Sub-ID
stats-show = Show
stats-period = { $from } to { $to }
stats-caption = Clicks per { $group }, credited and not credited
stats-credited = Credited
stats-not-credited = Not credited
stats-total = Total
stats-none = No clicks in this period.
stats-no-epi = (no sub-ID)
stats-not-credited-help = Clicks are not credited when the channel or its participation is not (yet) approved, and when they are abnormal (rule E.10.c): from known robots, repeated by the same visitor within 30 seconds, or too many from one visitor in a minute.
stats-csv = Download as CSV
stats-more = Only the first { $shown } sub-IDs are shown here; the CSV file has all of them.
error-date = Enter a date as year-month-day, for example 2026-11-01.
error-grouping = Choose day, channel or sub-ID.
error-period-order = The end date must not be before the start date.
error-period-too-long = Choose a period of at most 366 days.

## Account managers' console
manage-channels = Channels awaiting review
manage-channels-none = No channels are waiting for review.
manage-memberships = Applications to programmes
manage-memberships-none = No applications are waiting for a decision.
manage-submitted = Submitted
manage-applied = Applied
manage-screening = Brand screening (B.5.a)
manage-reason = Reason
manage-reason-help = Required when you reject; the participant reads it in the e-mail and in the portal.
manage-approve = Approve
manage-reject = Reject
manage-quality = Click quality per channel, last 30 days
manage-quality-caption = Clicks per channel and the share flagged as abnormal (rule E.10.c)
manage-quality-none = No clicks in the last 30 days.
manage-flagged-share = Flagged share
reason-bot = Robot
reason-duplicate = Repeated
reason-velocity = Too fast
notice-decision-saved = The decision has been saved and the participant has been told by e-mail.
notice-decision-gone = This item had already been decided; nothing was changed.
error-reason-required = Give the reason for the rejection.
error-reason-too-long = A reason has at most 1,000 characters.
error-reason-characters = The reason contains characters that are not allowed.
error-text-invisible = The text contains an invisible formatting character (such as a direction mark or a zero-width space), perhaps pasted with it. Type that part again.
error-decision = Choose approve or reject.

## Mails about decisions
mail-channel-approved-subject = Your advertising channel { $channel } has been approved
mail-channel-approved-intro = An account manager has approved your advertising channel { $channel }. You can now apply to the programme with it.
mail-channel-rejected-subject = Your advertising channel { $channel } has not been approved
mail-channel-rejected-intro = An account manager has not approved your advertising channel { $channel }.
mail-membership-approved-subject = { $channel } now takes part in { $programme }
mail-membership-approved-intro = Your application for { $channel } to the { $programme } programme has been approved. You can make tracking links now.
mail-membership-rejected-subject = Your application to { $programme } has not been approved
mail-membership-rejected-intro = Your application for { $channel } to the { $programme } programme has not been approved.
mail-decision-reason = Reason: { $reason }
mail-decision-action = View your channels
stats-chart-title = Clicks per day
stats-chart-desc = Credited and not credited clicks per day, stacked; the table below gives the figures.
stats-chart-caption = Credited and not credited clicks per day. The table below has every figure.
error-applications-restricted = An account manager has restricted new applications for your account (rule F.11.f). See your notices.
membership-ended-forbidden = Ended: the channel now declares { $methods }, which the programme does not allow.

## What the screening of a channel found (issue 22, point 8)
channels-screening = Why it is checked more closely
screening-brand = The name or address contains { $terms }, a brand of the Alibaba Group (A.1.e). Rule B.5.a does not allow a channel to contain one without AliExpress's written consent, so an account manager checks the channel more closely.
screening-duplicate-domain = Another participant already has a channel on { $domain }. An account manager checks that the website is yours.
