//! The bank file of a payout run: a SEPA credit transfer initiation, ISO 20022 `pain.001.001.03`
//! (what Dutch and other European banks accept for batch payments), with the number of
//! transactions and the control sum (the sum of the amounts) in the group header and the payment
//! block, as the bank checks them.

use chrono::NaiveDateTime;

use crate::domain::{Iban, Money};

pub struct Transfer<'a> {
    /// Unique per payout: the bank reports it back (`PAYOUT-<id>`).
    pub end_to_end_id: String,
    pub amount: Money,
    pub holder: &'a str,
    pub iban: &'a str,
    pub remittance: String,
}

pub struct BankFile<'a> {
    pub message_id: String,
    pub created_at: NaiveDateTime,
    pub payer_name: &'a str,
    pub payer_iban: &'a Iban,
    pub execution_date: chrono::NaiveDate,
    pub transfers: Vec<Transfer<'a>>,
}

/// XML element text with `&`, `<` and `>` escaped (the file has no attribute built from data,
/// so quotes stay as they are: the SEPA set has `'`).
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Text for the bank: spelled in the SEPA Latin set (`domain::sepa`: "Zoë & Søn" becomes
/// "Zoe + Son"; what has no spelling there becomes a space, though entry refuses such names), cut
/// to the field's maximum length (names 70, remittance 140 characters) and XML-escaped.
fn text(value: &str, max: usize) -> String {
    let spelled: String = crate::domain::sepa::to_sepa_lossy(value)
        .chars()
        .take(max)
        .collect();
    esc(spelled.trim_end())
}

impl BankFile<'_> {
    pub fn control_sum(&self) -> Money {
        let currency = self
            .transfers
            .first()
            .map(|t| t.amount.currency)
            .unwrap_or(crate::domain::Currency::EUR);
        Money::new(
            self.transfers.iter().map(|t| t.amount.minor).sum(),
            currency,
        )
    }

    pub fn to_xml(&self) -> String {
        let count = self.transfers.len();
        let sum = self.control_sum().plain();
        let created = self.created_at.format("%Y-%m-%dT%H:%M:%S");
        let mut xml = String::new();
        xml.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        xml.push_str("<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.001.001.03\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n");
        xml.push_str("  <CstmrCdtTrfInitn>\n");
        xml.push_str(&format!(
            "    <GrpHdr>\n      <MsgId>{}</MsgId>\n      <CreDtTm>{created}</CreDtTm>\n      <NbOfTxs>{count}</NbOfTxs>\n      <CtrlSum>{sum}</CtrlSum>\n      <InitgPty>\n        <Nm>{}</Nm>\n      </InitgPty>\n    </GrpHdr>\n",
            esc(&self.message_id),
            text(self.payer_name, 70),
        ));
        xml.push_str(&format!(
            "    <PmtInf>\n      <PmtInfId>{}</PmtInfId>\n      <PmtMtd>TRF</PmtMtd>\n      <BtchBookg>true</BtchBookg>\n      <NbOfTxs>{count}</NbOfTxs>\n      <CtrlSum>{sum}</CtrlSum>\n      <PmtTpInf>\n        <SvcLvl>\n          <Cd>SEPA</Cd>\n        </SvcLvl>\n      </PmtTpInf>\n      <ReqdExctnDt>{}</ReqdExctnDt>\n      <Dbtr>\n        <Nm>{}</Nm>\n      </Dbtr>\n      <DbtrAcct>\n        <Id>\n          <IBAN>{}</IBAN>\n        </Id>\n      </DbtrAcct>\n      <DbtrAgt>\n        <FinInstnId>\n          <Othr>\n            <Id>NOTPROVIDED</Id>\n          </Othr>\n        </FinInstnId>\n      </DbtrAgt>\n      <ChrgBr>SLEV</ChrgBr>\n",
            esc(&self.message_id),
            self.execution_date.format("%Y-%m-%d"),
            text(self.payer_name, 70),
            self.payer_iban.as_str(),
        ));
        for t in &self.transfers {
            xml.push_str(&format!(
                "      <CdtTrfTxInf>\n        <PmtId>\n          <EndToEndId>{}</EndToEndId>\n        </PmtId>\n        <Amt>\n          <InstdAmt Ccy=\"{}\">{}</InstdAmt>\n        </Amt>\n        <Cdtr>\n          <Nm>{}</Nm>\n        </Cdtr>\n        <CdtrAcct>\n          <Id>\n            <IBAN>{}</IBAN>\n          </Id>\n        </CdtrAcct>\n        <RmtInf>\n          <Ustrd>{}</Ustrd>\n        </RmtInf>\n      </CdtTrfTxInf>\n",
                esc(&t.end_to_end_id),
                t.amount.currency.code(),
                t.amount.plain(),
                text(t.holder, 70),
                esc(t.iban),
                text(&t.remittance, 140),
            ));
        }
        xml.push_str("    </PmtInf>\n  </CstmrCdtTrfInitn>\n</Document>\n");
        xml
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Currency;

    #[test]
    fn the_file_counts_and_sums_its_transfers() {
        let payer = Iban::parse("NL02ABNA0123456789").unwrap();
        let file = BankFile {
            message_id: "PORTAL-2026-11".into(),
            created_at: chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
                .unwrap()
                .and_hms_opt(9, 0, 0)
                .unwrap(),
            payer_name: "Partnerlink B.V.",
            payer_iban: &payer,
            execution_date: chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(),
            transfers: vec![
                Transfer {
                    end_to_end_id: "PAYOUT-1".into(),
                    amount: Money::new(2550, Currency::EUR),
                    holder: "Anna & <Zonen>",
                    iban: "NL91ABNA0417164300",
                    remittance: "Commissie 2026-11".into(),
                },
                Transfer {
                    end_to_end_id: "PAYOUT-2".into(),
                    amount: Money::new(100_001, Currency::EUR),
                    holder: "Bob",
                    iban: "DE89370400440532013000",
                    remittance: "Commissie 2026-11".into(),
                },
            ],
        };
        let xml = file.to_xml();
        assert_eq!(xml.matches("<NbOfTxs>2</NbOfTxs>").count(), 2);
        assert_eq!(xml.matches("<CtrlSum>1025.51</CtrlSum>").count(), 2);
        assert!(xml.contains("<InstdAmt Ccy=\"EUR\">25.50</InstdAmt>"));
        assert!(xml.contains("<InstdAmt Ccy=\"EUR\">1000.01</InstdAmt>"));
        assert!(xml.contains("<Nm>Anna + Zonen</Nm>"), "{xml}");
        assert!(xml.contains("<ReqdExctnDt>2026-12-02</ReqdExctnDt>"));
        assert_eq!(xml.matches("<CdtTrfTxInf>").count(), 2);
    }
}
