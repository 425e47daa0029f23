## Money: amounts, bank details, commissions, the ledger and payouts.

error-amount-not-a-number = Write the amount with a dot and no thousands separator, like 129.95.
error-amount-negative = An amount cannot be negative.
error-amount-too-precise = This currency has fewer decimals than this amount.
error-amount-too-large = This amount is too large.
error-iban-format = An IBAN starts with two letters and two digits, like NL91 ABNA 0417 1643 00.
error-iban-country = Payouts go to bank accounts in SEPA countries only.
error-iban-length = An IBAN of this country has a different number of characters.
error-iban-checksum = This IBAN is not valid: a character is mistyped.
error-conversion-ref-empty = This field is empty.
error-conversion-ref-too-long = This field has more than 100 characters.
error-conversion-ref-control = This field contains control characters.
error-conversion-ref-invisible = This field contains an invisible formatting character (such as a direction mark or a zero-width space).
error-conversion-currency = Unknown currency: use a three-letter ISO code such as EUR.
error-conversion-status = The status is one of pending, completed, cancelled or returned.
error-conversion-returned-missing = A return needs the amount returned (more than zero).
error-conversion-returned-without-return = An amount returned goes with the status returned only.
error-conversion-returned-too-much = More is returned than the order amount.
error-conversion-time = The time is not in RFC 3339 form, such as 2026-11-29T14:03:00Z.
error-conversion-time-future = The time of the order is in the future.
error-conversion-coupons-too-many = This field lists more than 20 coupon codes.
error-conversion-unknown-programme = There is no programme with this name.
error-conversion-unknown-group = The programme has no commission group with this name.
error-conversion-wrong-currency = The programme pays in another currency.
error-conversion-changed-fact = An update cannot change the click, the commission group or the time of an order.
error-conversion-wrong-currency-named = This programme pays in { $currency }: report the order in { $currency }.
error-conversion-locked = The locking date has passed: the conversion is final and this change was not made.
error-conversion-locked-since = The locking date ({ $date }) has passed: the conversion is final and this change was not made.
error-holder-empty = Enter the account holder's name, as the bank knows it.
error-holder-too-long = An account holder's name has at most 70 characters.
error-holder-characters = Banks take an account holder's name in Latin letters only, and cannot take { $characters }. Accents are fine (é is sent as e), and so are digits, spaces and . , ' - / + ? : ( ) &.
error-holder-invisible = The name contains an invisible formatting character (such as a direction mark or a zero-width space), perhaps pasted with it. Type the name again.
error-password-wrong = This is not your password.

## The Commissions tab.
account-nav-commissions = Commissions
commissions-nav-label = Commissions
commissions-nav-overview = Earnings
commissions-nav-conversions = Conversions
commissions-nav-ledger = Ledger and payouts
commissions-nav-bank = Bank details
commissions-title = Commissions
balance-heading = Balance and payout
balance-approved = Approved balance
balance-threshold = Payout threshold
payout-will-be-paid = Your balance will be paid in the next payout run, on { $date }.
payout-why-withheld = Your payments are withheld by the account manager (rule F.11.c) until the measure is lifted.
payout-why-heading = Not paid yet, and why:
payout-why-no-bank = We have no bank details for you yet.
payout-why-below-threshold = Your balance is below the payout threshold of { $threshold }: { $missing } to go.
payout-why-not-locked = { $pending } in commissions is still pending; it counts once its final date has passed.
payout-why-held = { $amount } in commissions on { $orders ->
        [one] one order is
       *[other] { $orders } orders are
    } held for review as possible self-purchase (rule E.10.j): the click came from an address your account logged in from. A held commission does not become final on its date; an account manager decides whether it counts, and you may object.
payout-why-held-link = See which orders, and how to object
payout-next-run = The next payout run is on { $date }; it pays the balance approved by the end of the month before.
payout-why-since-cutoff = { $amount } was approved on or after { $cutoff }: the run of { $date } pays what was approved before that day, so this waits for the run after it.
bank-current = Payouts go to { $iban } ({ $holder }).
bank-change-link = Change your bank details
earnings-heading = Earnings per month
earnings-none = No commissions yet. They appear here once an order through one of your links is reported.
earnings-chart-title = Earnings per month
earnings-chart-desc = Paid, approved and pending commission per month, stacked; the table below gives the figures.
earnings-chart-caption = Paid, approved and pending commission per month. The table below has every figure.
earnings-caption = Commission per month of the order and per commission group
earnings-month = Month
earnings-group = Commission group
earnings-pending = Pending
earnings-approved = Approved
earnings-rejected = Rejected
earnings-paid = Paid
earnings-help = Pending commissions become final on their final date: approved when the order was completed, rejected otherwise. Approved commissions are paid once your balance reaches the payout threshold. The rejected column shows what the rejected orders would have earned: they earn nothing, and show €0.00 as their commission.
rates-heading = Commission rates
rates-none = You are not a member of a programme yet.
rates-caption = Commission rates of { $programme }
rates-current = Rate now
rates-history = Rates and since when
rates-from = { $rate } from { $date }
rates-future = announced
month-1 = Jan
month-2 = Feb
month-3 = Mar
month-4 = Apr
month-5 = May
month-6 = Jun
month-7 = Jul
month-8 = Aug
month-9 = Sep
month-10 = Oct
month-11 = Nov
month-12 = Dec

conversions-title = Conversions
conversions-intro = Every order the advertiser reported for your links, with its commission and its state. Until its final date an advertiser may still change a commission; after it, it never changes.
conversions-none = No conversions yet.
conversions-caption = Your conversions, newest first
conversions-csv = Download the conversions (CSV)
conversion-order = Order
conversion-date = Order date
conversion-group = Commission group
conversion-amount = Order amount
conversion-returned = Returned
conversion-returned-part = { $amount } returned
conversion-commission = Commission
conversion-state = State
conversion-reason = Reason
conversion-locks-at = Final on
commission-state-pending = Pending
commission-state-approved = Approved
commission-state-rejected = Rejected
commission-state-reversed = Reversed
commission-state-none = No commission
attribution-credited = Credited to your channel.
attribution-unknown-click = The order names no click of your links.
attribution-click-not-credited = The click was not credited (see your statistics).
attribution-outside-cookie-period = The order came after the session window of the click whose id it carries (the programme page says how long it is).
attribution-no-rate = No commission rate was in force at the time of the order.
attribution-self-purchase = Held for review: the click came from an address your account logged in from (rule E.10.j).
reason-coupon-redeemed = A coupon was redeemed with this order: no commission.
reason-more-than-one-coupon = More than one coupon code was used on this order, and the programme allows one coupon per transaction: no commission.
reason-not-in-stock = The advertiser reported the items of this order as not in stock, and commission is paid on items in stock only: no commission.
reason-order-cancelled = The order was cancelled.
reason-order-returned = The order was returned.
reason-partial-return = Part of the order was returned.
reason-not-completed-by-locking = The order was not completed by its final date.
reason-self-purchase-review = Held for review as possible self-purchase (rule E.10.j).
reason-original-rejected = The commission on the order was rejected.
reason-amount-changed = The advertiser changed the order amount.
reason-objection-upheld = Put back after your objection was upheld (rule G.12).

ledger-title = Ledger and payouts
ledger-intro = Every amount booked to your balance: approved commissions, returns, corrections and payouts. No entry is ever changed; a correction is a new entry.
ledger-none = Nothing booked yet.
ledger-caption = Your ledger, oldest first, with the balance after each entry
ledger-csv = Download the ledger (CSV)
ledger-date = Date
ledger-kind = Entry
ledger-reason = Reason
ledger-amount = Amount
ledger-balance = Balance
entry-kind-commission = Commission
entry-kind-return = Partial return
entry-kind-reversal = Reversal
entry-kind-deduction = Deduction
entry-kind-payout = Payout
entry-payout-period = Payout run { $period }
payouts-heading = Payouts
payouts-none = No payouts yet.
payouts-caption = Your payouts, newest first
payouts-csv = Download the payouts (CSV)
payout-date = Date
payout-amount = Amount
payout-iban = To account

bank-title = Bank details
bank-none = We have no bank details for you yet: without them we cannot pay you.
bank-current-since = Payouts go to { $iban } ({ $holder }), since { $date }.
bank-iban = IBAN
bank-iban-help = Of a bank account in a SEPA country, such as NL91 ABNA 0417 1643 00.
bank-holder = Account holder
bank-holder-help = The name the bank account is in.
bank-password = Your password
bank-password-help = To change where your money goes, enter your password again.
bank-save = Save bank details
notice-bank-saved = Your bank details are saved. We sent you an e-mail about the change.
mail-bank-subject = Your bank details were changed
mail-bank-intro = The bank details of your Partnerlink account were changed: payouts now go to { $iban }.
mail-bank-action = See your bank details
mail-bank-not-you = Did you not make this change? Change your password at once and contact the publisher team.
entry-order = Order { $order }
error-import-empty = The file has no lines to import.
error-import-too-large = The file is larger than 2 MB: split it into smaller files.
error-import-not-text = The file is not a CSV text file (UTF-8).
error-import-missing-column = The header row lacks a column; the columns are: programme, click_id, order_ref, order_amount, currency, commission_group, coupon_redeemed, status, returned_amount, occurred_at, coupon_codes, in_stock (returned_amount, coupon_codes and in_stock may be left out).
error-import-too-many-lines = The file has more than 10,000 lines: split it into smaller files.
error-import-coupon = Write coupon_redeemed as true or false.
error-import-in-stock = Write in_stock as true or false, or leave it empty.
error-import-duplicate = This order appears more than once in the file.

## Account managers: conversions, import, payouts, the API secret.
manage-nav-label = Account management
manage-nav-review = Review
manage-nav-conversions = Conversions
manage-nav-import = Import conversions
manage-nav-payouts = Payouts
manage-conversions-title = Conversions
manage-conversions-participant = Participant
manage-conversions-everyone = Everyone
manage-conversion-participant = Participant
manage-conversion-nobody = No participant (unknown click)
manage-commission-reason = Reason (the participant reads it)
manage-commission-reason-help = Required to reject or reverse; cite the rule where one applies (e.g. E.10.j).
manage-commission-reject = Reject the commission
manage-commission-reverse = Reverse the commission
manage-commission-release = Release the hold: not a self-purchase
notice-commission-decided = The decision is saved; the participant sees it with your reason.
notice-commission-gone = Someone decided this commission meanwhile; nothing was changed.
notice-import-stored = The file is stored: { $created ->
        [one] 1 new conversion
       *[other] { $created } new conversions
    }, { $updated } updated, { $unchanged } unchanged.
manage-import-title = Import conversions
manage-import-intro = A CSV file with a header row and the conversion API's fields as columns: programme, click_id, order_ref, order_amount, currency, commission_group, coupon_redeemed, status, returned_amount, occurred_at, and optionally coupon_codes (the codes between vertical bars: SUMMER10|WELKOM5; more than one earns nothing) and in_stock (true or false; false earns nothing). Every line is checked first; nothing is stored until you confirm, and a file with any problem stores nothing.
manage-import-file = CSV file
manage-import-file-help = At most 2 MB and 10,000 lines; comma or semicolon between cells.
manage-import-check = Check the file
manage-import-preview = Preview
manage-import-problems = { $count ->
        [one] 1 line has a problem
       *[other] { $count } lines have a problem
    }. Nothing is stored: correct the file and check it again.
manage-import-ready = Every line is right: { $created ->
        [one] 1 new conversion
       *[other] { $created } new conversions
    }, { $updated ->
        [one] 1 update
       *[other] { $updated } updates
    }, { $unchanged } unchanged.
manage-import-shown-sample = The first { $shown } of the file's { $total } lines:
manage-import-shown-problems = The first { $shown } of the { $count } lines with a problem:
manage-import-caption = The lines of the file
manage-import-line = Line
manage-import-problem = Check
manage-import-line-ok = Right
manage-import-confirm = Store these conversions
manage-payouts-title = Payouts
manage-payouts-intro = A payout run pays every participant whose approved balance reaches the payout threshold and who has bank details; it writes a SEPA bank file (pain.001) for the bank. Running a month again pays nobody twice.
manage-payouts-period = Month
manage-payouts-period-help = As 2026-11.
manage-payouts-run = Run the payouts
manage-payouts-runs = Payout runs
manage-payouts-none = No payout runs yet.
manage-payouts-caption = Payout runs, newest first
manage-payouts-started = Run on
manage-payouts-count = Payouts
manage-payouts-file = Bank file
manage-payouts-download = pain001-{ $period }.xml
manage-payouts-unfinished = not finished: run it again
notice-payout-run-done = The payout run is done; download its bank file below.
error-period-format = Write the month as 2026-11.
error-period-future = This month has not begun.
error-payer-missing = The account payouts are made from is not set (PORTAL_PAYER_IBAN): no payout can run.
manage-secret-heading = Conversion API secret
manage-secret-intro = The advertiser signs conversions with this secret. A new one is shown once; the previous one keeps working for 24 hours.
manage-secret-rotate = Make a new secret
manage-secret-shown-once = The new secret, shown only now: give it to the advertiser's developers. The previous one works for 24 more hours.
manage-secret-label = New secret
error-commission-action = Choose one of the actions offered for this commission.
notice-payout-run-nobody = Nobody is owed a payout now: nothing was paid and no bank file was written.
manage-payouts-message-id = Message id
manage-secret-current-since = The current secret was made on { $when }.
manage-secret-none = No secret has been made yet: the advertiser cannot report conversions until one is.
manage-secret-previous-until = The previous secret stops working on { $when }.
error-release-administrator = Only an administrator can release a held commission.
manage-conversion-entered = Entered by
manage-conversion-entered-api = the advertiser's API (secret { $secret })
manage-conversion-entered-api-unknown = the advertiser's API
manage-conversion-entered-import = import by { $manager }
manage-conversion-entered-import-unknown = an import

## A held commission and a deduction, in words (issue 22, point 8).
commission-state-held = Held for review
conversion-held = The commission of { $amount } is held for review as possible self-purchase (rule E.10.j): the click came from an address your account logged in from. It does not become final on its date; an account manager decides whether it counts. If it was not your own purchase, you may object.
conversion-locks-after-review = after the review
entry-deduction = Deducted by an account manager (rule F.11.d)
entry-deduction-undone = Deduction given back: the measure was lifted
