//! Checks the ZIP container of an uploaded workbook before any XML is parsed: calamine sets no
//! limit on how far a small file may expand (a "zip bomb").

use std::io::{Cursor, Read};

use crate::report::ImportError;

/// Most entries a workbook may hold (a jixiao workbook has about a dozen).
pub const MAX_ENTRIES: usize = 1_000;
/// Most bytes all entries may expand to, together (a large form is well under 5 MB).
pub const MAX_UNCOMPRESSED: u64 = 64 * 1024 * 1024;
/// Most cells the reader accepts on the form sheet.
pub const MAX_CELLS: usize = 200_000;

fn too_large(what: &str, limit: &str) -> ImportError {
    ImportError::TooLarge {
        what: what.to_string(),
        limit: limit.to_string(),
    }
}

fn not_zip(detail: &str) -> ImportError {
    ImportError::UnknownFormat(format!("不是有效的 Excel（XLSX）文件：{detail}"))
}

/// Refuses archives with too many entries or that expand beyond [`MAX_UNCOMPRESSED`]. The
/// declared sizes are checked first; then every entry is actually inflated into a sink with a
/// cap, because declared sizes can lie.
pub fn check(bytes: &[u8]) -> Result<(), ImportError> {
    if bytes.is_empty() {
        return Err(ImportError::Empty);
    }
    let mut zip =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| not_zip("无法作为 ZIP 压缩包打开"))?;
    if zip.len() > MAX_ENTRIES {
        return Err(too_large(
            &format!("压缩包内有 {} 个条目", zip.len()),
            &format!("{MAX_ENTRIES} 个"),
        ));
    }
    let limit_text = format!("解压后共 {} MB", MAX_UNCOMPRESSED / 1024 / 1024);
    let mut declared: u64 = 0;
    for i in 0..zip.len() {
        let f = zip.by_index_raw(i).map_err(|_| not_zip("压缩包目录损坏"))?;
        declared = declared.saturating_add(f.size());
    }
    if declared > MAX_UNCOMPRESSED {
        return Err(too_large(
            &format!("解压后约 {} MB（疑似压缩炸弹）", declared / 1024 / 1024),
            &limit_text,
        ));
    }
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let f = zip
            .by_index(i)
            .map_err(|_| not_zip("压缩包条目无法读取（可能已加密或损坏）"))?;
        let budget = MAX_UNCOMPRESSED - total;
        let mut limited = f.take(budget + 1);
        let n = std::io::copy(&mut limited, &mut std::io::sink())
            .map_err(|_| not_zip("压缩包条目损坏"))?;
        total += n;
        if total > MAX_UNCOMPRESSED {
            return Err(too_large("解压后的实际大小（疑似压缩炸弹）", &limit_text));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use zip::write::SimpleFileOptions;

    fn archive(entries: usize, each: usize) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        let chunk = vec![0u8; 1 << 20];
        for i in 0..entries {
            w.start_file(format!("f{i}.xml"), opts).unwrap();
            let mut left = each;
            while left > 0 {
                let n = left.min(chunk.len());
                w.write_all(&chunk[..n]).unwrap();
                left -= n;
            }
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn zip_bomb_is_refused_with_a_chinese_message() {
        let bomb = archive(1, 80 << 20);
        assert!(bomb.len() < 200_000, "the bomb is small: {}", bomb.len());
        let err = check(&bomb).unwrap_err();
        assert!(matches!(err, ImportError::TooLarge { .. }));
        assert!(err.to_string().contains("压缩炸弹"), "{err}");
    }

    #[test]
    fn too_many_entries_are_refused() {
        let many = archive(MAX_ENTRIES + 1, 0);
        let err = check(&many).unwrap_err();
        assert!(err.to_string().contains("条目"), "{err}");
    }

    #[test]
    fn garbage_and_empty_are_refused() {
        assert!(matches!(check(b""), Err(ImportError::Empty)));
        let err = check(b"not a zip at all").unwrap_err();
        assert!(err.to_string().contains("XLSX"), "{err}");
        assert!(check(&archive(3, 1000)).is_ok());
    }
}
