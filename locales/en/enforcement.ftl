## Measures (F.11) and objections (G.12): the participant's side

measure-warning = Written warning
measure-cure-period = Cure period
measure-withhold = Payments withheld
measure-deduct = Deduction
measure-terminate = Account terminated
measure-restrict = Restricted collaboration
measure-ban = Barred from registering
measure-effect-warning = This is a written warning (rule F.11.a). Nothing else changes, but a further breach may lead to other measures.
measure-effect-cure-period = You have until { $date } to cure the breach (rule F.11.b). Tell us below when you have fixed it.
measure-effect-withhold = Your payments are withheld until the measure is lifted (rule F.11.c). Your commissions are still recorded.
measure-effect-deduct = { $amount } is deducted from your balance (rule F.11.d).
measure-effect-terminate = Your account is terminated (rule F.11.e): you can no longer log in, and clicks on your links earn no commission.
measure-effect-restrict-applications = You cannot apply to programmes until the measure is lifted (rule F.11.f).
measure-effect-restrict-membership = One of your programme memberships has been ended (rule F.11.f).
measure-effect-ban = Your e-mail address and/or website domain can no longer be used to register (rule F.11.g).

mail-measure-subject = Measure on your account: { $measure }
mail-measure-intro = An account manager has taken a measure on your account: { $measure }.
mail-measure-reason = Reason: { $reason }
mail-measure-objection = You may object in writing, with evidence, until { $date } (rule G.12).
mail-measure-action = Read the notice
mail-lifted-subject = Measure lifted: { $measure }
mail-lifted-intro = The measure “{ $measure }” of { $date } has been lifted.
mail-objection-subject = Decision on your objection: { $measure }
mail-objection-upheld = Your objection to the measure “{ $measure }” of { $date } has been upheld: the measure is lifted and its effects undone.
mail-objection-rejected = Your objection to the measure “{ $measure }” of { $date } has been rejected; the measure stays in force.

account-nav-notices = Notices
notices-title = Notices
notices-intro = Measures an account manager has taken on your account, with the rules they are based on. You can object to each within 5 working days.
notices-none = There are no notices for your account.
notices-caption = Measures on your account, newest first
notices-back = All notices
notice-date = Date
notice-measure = Measure
notice-clauses = Rules
notice-state = State
notice-unread = new
notice-lifted = lifted
notice-in-force = in force
notice-closed = closed
notice-effect = What it means
notice-reason = Reason
notice-rules-version = Version of the rules
notice-lifted-on = Lifted on
notice-clauses-heading = The rules this measure is based on
notice-clause-link = Rule { $clause } in the Advertising Rules
cure-heading = Have you fixed it?
cure-answered-on = You answered on { $date }; the account manager will look at it. You can change your answer until then.
cure-text = What did you change?
cure-text-help = Explain how the breach has been cured, with addresses of pages if that helps. At most 5000 characters.
cure-submit = Tell the account manager it is fixed
cure-decision-accepted = The account manager accepted your fix: the cure period is closed.
cure-decision-escalated = The breach was not cured in time; the account manager took a further measure.
objection-heading = Objection
objection-filed-on = You objected on { $date }:
objection-upheld = Your objection was upheld: the action has been undone.
objection-rejected = Your objection was rejected.
objection-pending = The account manager decides by { $date }.
objection-until = You may object in writing until { $date } (5 working days, rule G.12). Add evidence that supports your objection.
objection-text = Your objection
objection-text-help = Explain why the action is wrong. At most 5000 characters.
objection-evidence = Evidence
objection-evidence-help = Up to 5 files, PDF, PNG or JPEG, at most 10 MB each.
objection-submit = Send the objection
objection-period-over = The period to object ended on { $date }.
error-objection-text-required = Write your objection.
error-objection-text-too-long = Use at most 5000 characters.
error-evidence-required = Add at least one file as evidence.
error-evidence-too-many = Add at most 5 files.
error-evidence-empty = { $file } is empty.
error-evidence-too-large = { $file } is larger than 10 MB.
error-evidence-type = { $file } is not a PDF, PNG or JPEG file.
error-evidence-choose-again = Choose your files again: for your safety, browsers do not keep them.
error-evidence-pdf = { $file } is not a PDF that can be opened: it does not read as a PDF with at least one page.
error-evidence-image = { $file } is not a PNG or JPEG picture that can be opened (at most 8000 pixels a side).
evidence-sent-as = sent as “{ $name }”
error-claim-period-over = The period to object has ended; an objection can no longer be filed.
error-objection-filed = An objection to this action was filed already.
error-cure-closed = This cure period is closed; an answer is no longer possible.
notice-objection-filed = Your objection has been sent. The account manager decides within 15 working days.
notice-cure-answered = Your answer has been sent to the account manager.
notice-rules-accepted = Thank you: you accepted the current Advertising Rules.

rules-accept-title = Advertising Rules
rules-accept-intro = Version { $number } of the Advertising Rules applies from { $date }. Please read it and accept it to keep using the programme.
rules-changes-heading = What changed since the version you accepted
rules-read-all = Read the whole Advertising Rules
rules-accept-button = I accept these rules
rules-accepted-all = You have accepted the current version of the Advertising Rules.
rules-accepted-heading = Versions you accepted
rules-accepted-line = Version { $number }, accepted on { $date }
dashboard-rules-pending = A new version of the Advertising Rules applies. Please read and accept it.
dashboard-notices-unread = Unread notices: { $count }.

login-terminated-title = Your account has been terminated
login-terminated-text = Your account was terminated on { $date } under rule F.11.e of the Advertising Rules; you can no longer log in.
login-terminated-reason = Reason: { $reason }
login-terminated-objection = You can object until { $date } with the link in the e-mail we sent you.
notice-account-terminated = Your account has been terminated; you have been logged out.

## A measure in words where it has an effect (participants::explain): beside a membership it
## ended, a deduction in the ledger, a withholding.
measure-words-heading = { $measure } (rule { $clause }) of { $date }
measure-words-clauses-lead = { $count ->
        [one] Rule cited:
       *[other] Rules cited:
    }
measure-words-reason = Reason: { $reason }
login-terminated-money = Your approved balance is still paid in the payout runs once it reaches the payout threshold and we have your bank details, unless your payments are withheld. Commissions still pending are not approved while the termination stands; they settle should an objection lift it.

# Objections to every enforcement action (G.12, issue 22 point 4)
account-objections-title = Objections
account-objections-intro = You may object in writing, with evidence, to any enforcement action against your account within 5 working days (rule G.12): a measure, a commission that was rejected, reversed or held, a rejected channel or membership, and a registration ban. An account manager decides within 15 working days.
account-objections-none = There are no actions against your account to object to.
account-objections-caption = Actions against your account and your objections
account-objections-action = Action
account-objections-link = Object to a rejected commission, channel or ban
objections-may-object-until = You may object until { $date }.
objections-not-in-force = No longer in force.
objections-back = Back to your objections
objection-object = Object
objection-object-until = Object (until { $date })
objection-action-date = Taken on
objection-action-state = State
objection-action-in-force = In force
objection-action-rule = Rule G.12: you may object in writing, with evidence, within 5 working days of the action. An account manager other than the one who took the action decides within 15 working days; an upheld objection undoes the action.
objection-action-commission = Commission on order { $order }
objection-action-commission-rejected = Commission on order { $order } rejected
objection-action-commission-reversed = Commission on order { $order } reversed
objection-action-commission-held = Commission on order { $order } held for review (E.10.j)
objection-action-channel = Channel “{ $name }” rejected
objection-action-membership = Membership { $name } rejected
objection-action-ban = Registration ban on { $value }
objection-subject-measure = Measure
objection-subject-commission = Commission
objection-subject-channel = Channel
objection-subject-membership = Membership
objection-subject-ban = Registration ban
mail-action-objection-upheld = Your objection to “{ $action }” of { $date } has been upheld: the action has been undone.
mail-action-objection-rejected = Your objection to “{ $action }” of { $date } has been rejected; the action stays.
login-banned-objection = Object to the ban (rule G.12)
