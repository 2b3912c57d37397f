import ArgumentParser
import Foundation

/// `--prometheus-user NAME --prometheus-password-file PATH`: basic auth for a Prometheus behind
/// its own `--web.config.file` (contrib/prometheus/receiver-web.yml), with the password read from
/// a file, as Prometheus' own `password_file` does, instead of a header on the command line
/// (which every user of the machine sees in `ps`).
extension InventoryRollupCommand {
    func validateCredentials() throws {
        switch (prometheusUser, prometheusPasswordFile) {
        case (nil, nil):
            return
        case (nil, _?), (_?, nil):
            throw ValidationError(
                "--prometheus-user và --prometheus-password-file đi cùng nhau / --prometheus-user and --prometheus-password-file go together."
            )
        case (let user?, _?):
            if user.isEmpty || user.contains(":") || user.contains(where: \.isNewline) {
                throw ValidationError(
                    "--prometheus-user: tên không rỗng, không có dấu hai chấm / a non-empty name without a colon."
                )
            }
            if prometheusHeaders.contains(where: { Self.header($0)?.0.lowercased() == "authorization" }) {
                throw ValidationError(
                    "--prometheus-password-file thay cho --prometheus-header 'Authorization: …' / --prometheus-password-file replaces --prometheus-header 'Authorization: …': give one of them."
                )
            }
        }
    }

    /// The Authorization header from the user and the password file's first line; none without
    /// them. The password never appears in a message.
    func basicAuthorization() throws -> [(String, String)] {
        guard let user = prometheusUser, let path = prometheusPasswordFile else { return [] }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError(
                "Không đọc được tệp mật khẩu / Cannot read the password file \(path)."
            )
        }
        let password =
            String(decoding: data, as: UTF8.self).split(
                separator: "\n",
                maxSplits: 1,
                omittingEmptySubsequences: false
            ).first.map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: "\r")) } ?? ""
        guard !password.isEmpty else {
            throw ValidationError("Tệp mật khẩu rỗng / The password file \(path) is empty.")
        }
        return [("Authorization", "Basic " + Data("\(user):\(password)".utf8).base64EncodedString())]
    }
}
