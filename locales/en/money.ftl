## Money: amounts, bank details, commissions, the ledger and payouts.

error-amount-not-a-number = Write the amount with a dot and no thousands separator, like 129.95.
error-amount-negative = An amount cannot be negative.
error-amount-too-precise = This currency has fewer decimals than this amount.
error-amount-too-large = This amount is too large.
error-iban-format = An IBAN starts with two letters and two digits, like NL91 ABNA 0417 1643 00.
error-iban-country = Payouts go to bank accounts in SEPA countries only.
error-iban-length = An IBAN of this country has a different number of characters.
error-iban-checksum = This IBAN is not valid: a character is mistyped.
