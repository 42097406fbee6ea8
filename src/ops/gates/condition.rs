//! A gate's success condition: `result OP VALUE`, where OP is one of `<`, `<=`, `>`,
//! `>=`, `==`, `!=` and VALUE a number, a quoted string, `true` or `false`. A vector
//! result passes when every series' value does.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

#[derive(Clone, Debug, PartialEq)]
enum Literal {
    Number(f64),
    Text(String),
    Bool(bool),
}

/// A parsed condition.
#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    op: Op,
    value: Literal,
    text: String,
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// A value a check measured: a number, a string or a boolean.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Number(f64),
    Text(String),
    Bool(bool),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Number(n) => write!(f, "{n}"),
            Value::Text(t) => write!(f, "{t:?}"),
            Value::Bool(b) => write!(f, "{b}"),
        }
    }
}

impl Condition {
    pub fn parse(text: &str) -> Result<Condition, String> {
        let rest = text
            .trim()
            .strip_prefix("result")
            .ok_or_else(|| {
                format!("{text:?}: a condition reads `result OP VALUE`, e.g. `result < 1`")
            })?
            .trim_start();
        let (op, rest) = [
            ("<=", Op::Le),
            (">=", Op::Ge),
            ("==", Op::Eq),
            ("!=", Op::Ne),
            ("<", Op::Lt),
            (">", Op::Gt),
        ]
        .into_iter()
        .find_map(|(s, op)| rest.strip_prefix(s).map(|r| (op, r.trim())))
        .ok_or_else(|| format!("{text:?}: expected one of < <= > >= == != after `result`"))?;
        let value = if let Some(q) = rest
            .strip_prefix('"')
            .and_then(|r| r.strip_suffix('"'))
            .or_else(|| rest.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')))
        {
            Literal::Text(q.to_string())
        } else if rest == "true" || rest == "false" {
            Literal::Bool(rest == "true")
        } else {
            Literal::Number(rest.parse::<f64>().map_err(|_| {
                format!("{text:?}: {rest:?} is not a number, a quoted string, true or false")
            })?)
        };
        if let Literal::Number(n) = value
            && !n.is_finite()
        {
            // `result != NaN` always holds, `result < NaN` never does: nothing is judged.
            return Err(format!(
                "{text:?}: {rest} is not a finite number; such a condition cannot judge a value"
            ));
        }
        if !matches!(value, Literal::Number(_)) && !matches!(op, Op::Eq | Op::Ne) {
            return Err(format!(
                "{text:?}: only == and != compare strings and booleans"
            ));
        }
        Ok(Condition {
            op,
            value,
            text: text.trim().to_string(),
        })
    }

    /// Whether it compares with a number (a Prometheus value is always one, so a string
    /// or boolean condition on it could never fail, or never pass).
    pub fn is_numeric(&self) -> bool {
        matches!(self.value, Literal::Number(_))
    }

    /// Whether `v` satisfies the condition.
    pub fn holds(&self, v: &Value) -> bool {
        match (v, &self.value) {
            (Value::Number(a), Literal::Number(b)) => match self.op {
                Op::Lt => a < b,
                Op::Le => a <= b,
                Op::Gt => a > b,
                Op::Ge => a >= b,
                Op::Eq => a == b,
                Op::Ne => a != b,
            },
            (Value::Text(a), Literal::Text(b)) => (a == b) == (self.op == Op::Eq),
            (Value::Bool(a), Literal::Bool(b)) => (a == b) == (self.op == Op::Eq),
            // A number in a string ("0.5", as Prometheus writes values) compares as one.
            (Value::Text(a), Literal::Number(_)) => a
                .parse::<f64>()
                .is_ok_and(|n| self.holds(&Value::Number(n))),
            _ => self.op == Op::Ne,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_parse_and_compare_numbers_strings_and_booleans() {
        let lt = Condition::parse("result < 1").unwrap();
        assert!(lt.holds(&Value::Number(0.5)));
        assert!(!lt.holds(&Value::Number(1.0)));
        assert!(lt.holds(&Value::Text("0.25".into())));
        let green = Condition::parse("result == \"green\"").unwrap();
        assert!(green.holds(&Value::Text("green".into())));
        assert!(!green.holds(&Value::Text("yellow".into())));
        assert!(
            Condition::parse("result != false")
                .unwrap()
                .holds(&Value::Bool(true))
        );
        assert!(
            Condition::parse("result >= 0")
                .unwrap()
                .holds(&Value::Number(0.0))
        );
        for bad in ["value < 1", "result ~ 1", "result < one", "result < \"a\""] {
            assert!(Condition::parse(bad).is_err(), "{bad}");
        }
    }
}
