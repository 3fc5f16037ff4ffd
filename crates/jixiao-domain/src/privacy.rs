//! Personal data on printed and exported copies: who may see the filler's name and the phone
//! number, and how a phone number is masked for everyone outside the form's unit.

use serde::{Deserialize, Serialize};

/// Which copy of a form is made.
///
/// The header holds personal data (填报人 and 联系电话, DOMAIN.md §2). A public copy (for 预算公开)
/// carries neither; a private copy carries both as the form holds them, which on the server is
/// already the form as the viewer may see it (the phone masked by [`mask_phone`] outside the
/// unit). The default is the public copy, so forgetting to choose never leaks personal data.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Privacy {
    /// No filler name and no phone number.
    #[default]
    Public,
    /// The filler's name and the phone number as the form holds them.
    Private,
}

impl Privacy {
    /// `Private` when `private` is set (the CLI's `--private`), else `Public`.
    pub fn private_if(private: bool) -> Privacy {
        if private {
            Privacy::Private
        } else {
            Privacy::Public
        }
    }

    /// Whether personal data is shown.
    pub fn shows_personal_data(self) -> bool {
        self == Privacy::Private
    }

    /// The value of a personal field on this copy: `None` on a public copy.
    pub fn personal(self, value: Option<&str>) -> Option<&str> {
        match self {
            Privacy::Public => None,
            Privacy::Private => value,
        }
    }
}

/// Masks a phone number, keeping the first three and the last four characters and replacing
/// each one between with `*` (`15172093138` → `151****3138`, `027-87654321` → `027*****4321`).
/// Surrounding blanks are dropped first. A number shorter than seven characters is masked
/// whole (`123` → `***`), so no short number is shown in clear.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.trim().chars().collect();
    if chars.len() < 7 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 7))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_phones() {
        assert_eq!(mask_phone("15172093138"), "151****3138");
        assert_eq!(mask_phone(" 15172093138 "), "151****3138");
        assert_eq!(mask_phone("027-87654321"), "027*****4321");
        assert_eq!(mask_phone("123"), "***");
        assert_eq!(mask_phone(""), "");
    }

    #[test]
    fn public_is_the_default_and_hides_personal_data() {
        assert_eq!(Privacy::default(), Privacy::Public);
        assert_eq!(Privacy::Public.personal(Some("张三")), None);
        assert_eq!(Privacy::Private.personal(Some("张三")), Some("张三"));
        assert_eq!(Privacy::private_if(true), Privacy::Private);
    }
}
