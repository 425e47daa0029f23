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
error-conversion-currency = Unknown currency: use a three-letter ISO code such as EUR.
error-conversion-status = The status is one of pending, completed, cancelled or returned.
error-conversion-returned-missing = A return needs the amount returned (more than zero).
error-conversion-returned-without-return = An amount returned goes with the status returned only.
error-conversion-returned-too-much = More is returned than the order amount.
error-conversion-time = The time is not in RFC 3339 form, such as 2026-11-29T14:03:00Z.
error-conversion-time-future = The time of the order is in the future.
error-conversion-unknown-programme = There is no programme with this name.
error-conversion-unknown-group = The programme has no commission group with this name.
error-conversion-wrong-currency = The programme pays in another currency.
error-conversion-changed-fact = An update cannot change the click, the commission group or the time of an order.
