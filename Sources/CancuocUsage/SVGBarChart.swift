import Foundation

/// A horizontal grouped bar chart as inline SVG: no scripts, fonts or external files, so
/// the roll-up opens anywhere, offline.
struct SVGBarChart {
    struct Series {
        var label: String
        var color: String
    }
    var id: String
    var title: String
    var series: [Series]
    /// Category label → one value per series.
    var categories: [(String, [Double])]
    var format: (Double) -> String = { PrometheusText.format($0) }
    /// Fixed maximum (1 for rates); else the largest value.
    var maximum: Double?

    func render() -> String {
        let labelWidth = 190.0
        let barArea = 420.0
        let barHeight = 14.0
        let gap = 10.0
        let groupHeight = Double(series.count) * barHeight + gap
        let legendHeight = 18.0 * Double(series.count) + 8
        let height = legendHeight + Double(categories.count) * groupHeight + 10
        let width = labelWidth + barArea + 70
        let top = maximum ?? max(1, categories.flatMap(\.1).max() ?? 1)
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"\(HTML.escape(id))\" role=\"img\" "
        s += "width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" "
        s += "font-family=\"sans-serif\" font-size=\"12\">"
        s += "<title>\(HTML.escape(title))</title>"
        for (i, se) in series.enumerated() {
            let y = 4 + 18 * i
            s += "<rect x=\"\(Int(labelWidth))\" y=\"\(y)\" width=\"12\" height=\"12\" fill=\"\(se.color)\"/>"
            s += "<text x=\"\(Int(labelWidth + 16))\" y=\"\(y + 10)\">\(HTML.escape(se.label))</text>"
        }
        for (i, (name, values)) in categories.enumerated() {
            let y0 = legendHeight + Double(i) * groupHeight
            s += "<text x=\"\(Int(labelWidth - 6))\" y=\"\(Int(y0 + groupHeight / 2))\" text-anchor=\"end\">"
            s += "\(HTML.escape(name))</text>"
            for (j, v) in values.enumerated() where j < series.count {
                let w = top > 0 ? max(0, min(1, v / top)) * barArea : 0
                let y = y0 + Double(j) * barHeight
                s +=
                    "<rect class=\"bar\" x=\"\(Int(labelWidth))\" y=\"\(Int(y))\" width=\"\(String(format: "%.1f", w))\" "
                s += "height=\"\(Int(barHeight - 2))\" fill=\"\(series[j].color)\"><title>"
                s += "\(HTML.escape(name)) — \(HTML.escape(series[j].label)): \(HTML.escape(format(v)))</title></rect>"
                s +=
                    "<text x=\"\(Int(labelWidth + w + 4))\" y=\"\(Int(y + barHeight - 4))\">\(HTML.escape(format(v)))</text>"
            }
        }
        return s + "</svg>"
    }
}

enum HTML {
    static func escape(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }
}
